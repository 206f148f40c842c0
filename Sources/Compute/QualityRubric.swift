import PerfevalCore
import Normalize

/// Categories, answers and the quality score of a report (SPEC §7, §8).
public enum QualityRubric {
    /// Sections a complete report has (the headings' kinds of data/labels.csv).
    public static let expectedSections = ["section_basic", "section_spending", "section_performance",
                                          "section_problems", "section_measures", "section_application"]

    public static func apply(_ report: inout ReportDetails, taxonomy: Taxonomy) {
        for index in report.problems.indices {
            let problem = report.problems[index]
            report.problems[index].categories = taxonomy.classify(problem.text + (problem.cause ?? ""))
        }
        for index in report.measures.indices {
            let categories = taxonomy.classify(report.measures[index].text)
            report.measures[index].categories = categories
            report.measures[index].addresses = report.problems.filter { problem in
                problem.categories.contains { $0 != Taxonomy.other && categories.contains($0) }
            }.map(\.item)
        }
        report.quality = quality(report, taxonomy: taxonomy)
    }

    /// Score out of 100: sections 30 (5 each), indicators 15 (three levels), problems 30
    /// (4 per area covered, up to 20, plus 10 × share with a cause; 0 when the problems are
    /// only a lack of money), measures 25 (× share of problems answered; 0 when they only
    /// ask for money).
    static func quality(_ report: ReportDetails, taxonomy: Taxonomy) -> Quality {
        let present = Set(report.sectionsPresent)
        // The areas of the problems' categories, looked up once per category rather than once per area.
        var problemAreas: [String] = []
        for problem in report.problems {
            for code in problem.categories {
                if let area = taxonomy.area(of: code), !problemAreas.contains(area) { problemAreas.append(area) }
            }
        }
        let areas = taxonomy.areas.filter(problemAreas.contains)
        let causes = report.problems.filter { $0.cause != nil }.count
        let fundingOnlyProblems = !report.problems.isEmpty && report.problems.allSatisfy { $0.categories == [Taxonomy.funding] }
        let fundingOnlyMeasures = !report.measures.isEmpty && report.measures.allSatisfy { $0.categories == [Taxonomy.funding] }
        let answered = Set(report.measures.flatMap(\.addresses))
        let answeredShare = report.problems.isEmpty ? nil : ExactDecimal(answered.count).percent(of: ExactDecimal(report.problems.count))
        var problemScore = 0
        if !report.problems.isEmpty && !fundingOnlyProblems {
            problemScore = min(20, 4 * areas.count) + causes * 10 / report.problems.count
        }
        var measureScore = 0
        if !report.measures.isEmpty && !fundingOnlyMeasures {
            measureScore = report.problems.isEmpty ? 0 : answered.count * 25 / report.problems.count
        }
        return Quality(sectionsMissing: expectedSections.filter { !present.contains($0) }, problemAreas: areas, causesGiven: causes,
                       fundingOnlyProblems: fundingOnlyProblems, fundingOnlyMeasures: fundingOnlyMeasures, answeredShare: answeredShare,
                       scoreSections: 5 * expectedSections.filter(present.contains).count,
                       scoreIndicators: report.indicatorsThreeLevels ? 15 : 0, scoreProblems: problemScore, scoreMeasures: measureScore)
    }
}
