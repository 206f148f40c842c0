import PerfevalCore
import Extract

/// One item of the problems section (存在的问题).
public struct Problem: Sendable {
    public var item: Int
    /// Folded, simplified text (what the taxonomy reads); `writtenText` is the report's own.
    public var text: String
    public var cause: String?
    public var line: Int
    public var writtenText: String?
    public var writtenCause: String?
    /// Filled by Compute from the problem taxonomy.
    public var categories: [String] = []
}

/// One item of the improvement section (改进措施 / 相关建议).
public struct ImprovementMeasure: Sendable {
    public var item: Int
    public var text: String
    public var line: Int
    public var writtenText: String?
    /// Filled by Compute: taxonomy categories, and the problem items it answers.
    public var categories: [String] = []
    public var addresses: [Int] = []
}

/// The report as a whole: its sections, problems and measures, and (from Compute) its
/// quality as a self-evaluation.
public struct ReportDetails: Sendable {
    public var file: String
    public var agency: String?
    public var year: Int?
    public var sectionsPresent: [String]
    public var problems: [Problem]
    public var measures: [ImprovementMeasure]
    /// Whether its indicators are refined to three levels (一级 / 二级 / 三级 all filled).
    public var indicatorsThreeLevels: Bool
    public var quality: Quality?
}

/// The report-quality rubric of SPEC §8, as far as a program can check it.
public struct Quality: Sendable {
    public var sectionsMissing: [String]
    public var problemAreas: [String]
    public var causesGiven: Int
    public var fundingOnlyProblems: Bool
    public var fundingOnlyMeasures: Bool
    /// Share of problems answered by at least one measure (nil without problems).
    public var answeredShare: ExactDecimal?
    public var scoreSections: Int
    public var scoreIndicators: Int
    public var scoreProblems: Int
    public var scoreMeasures: Int
    public var score: Int { scoreSections + scoreIndicators + scoreProblems + scoreMeasures }

    public init(sectionsMissing: [String], problemAreas: [String], causesGiven: Int, fundingOnlyProblems: Bool, fundingOnlyMeasures: Bool,
                answeredShare: ExactDecimal?, scoreSections: Int, scoreIndicators: Int, scoreProblems: Int, scoreMeasures: Int) {
        self.sectionsMissing = sectionsMissing; self.problemAreas = problemAreas; self.causesGiven = causesGiven
        self.fundingOnlyProblems = fundingOnlyProblems; self.fundingOnlyMeasures = fundingOnlyMeasures; self.answeredShare = answeredShare
        self.scoreSections = scoreSections; self.scoreIndicators = scoreIndicators; self.scoreProblems = scoreProblems; self.scoreMeasures = scoreMeasures
    }
}

extension Normalizer {
    public func report(_ extracted: ExtractedReport, records: [Record], file: String) -> ReportDetails {
        let indicators = records.flatMap(\.indicators)
        return ReportDetails(
            file: file, agency: records.first?.agency, year: records.first?.year,
            sectionsPresent: extracted.sections.present,
            problems: extracted.sections.problems.map { Problem(item: $0.item, text: $0.text, cause: $0.cause, line: $0.line, writtenText: $0.writtenText, writtenCause: $0.writtenCause) },
            measures: extracted.sections.measures.map { ImprovementMeasure(item: $0.item, text: $0.text, line: $0.line, writtenText: $0.writtenText) },
            indicatorsThreeLevels: !indicators.isEmpty && indicators.allSatisfy { !$0.level1.isEmpty && !$0.level2.isEmpty && !$0.name.isEmpty },
            quality: nil)
    }
}
