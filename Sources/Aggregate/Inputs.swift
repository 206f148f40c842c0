import PerfevalCore

/// The part of a records.csv row that the comparative tables use.
public struct RecordRow: Sendable {
    public var file: String
    public var kind: String
    public var project: String
    public var agency: String
    public var province: String
    public var prefecture: String
    public var county: String
    public var regionCode: String
    public var year: Int?
    public var budgetFull: ExactDecimal?
    public var executed: ExactDecimal?
    public var executionRate: ExactDecimal?
    public var score: ExactDecimal?
    public var grade: String
    public var staffActual: Int?
    public var basicExp: ExactDecimal?
    public var projectExp: ExactDecimal?
    public var personnelShare: ExactDecimal?
    public var auditFindings: Int

    public init(file: String, kind: String, project: String, agency: String, province: String, prefecture: String, county: String,
                regionCode: String, year: Int?, budgetFull: ExactDecimal?, executed: ExactDecimal?, executionRate: ExactDecimal?,
                score: ExactDecimal?, grade: String, staffActual: Int?, basicExp: ExactDecimal?, projectExp: ExactDecimal?,
                personnelShare: ExactDecimal?, auditFindings: Int) {
        self.file = file; self.kind = kind; self.project = project; self.agency = agency; self.province = province
        self.prefecture = prefecture; self.county = county; self.regionCode = regionCode; self.year = year
        self.budgetFull = budgetFull; self.executed = executed; self.executionRate = executionRate; self.score = score
        self.grade = grade; self.staffActual = staffActual; self.basicExp = basicExp; self.projectExp = projectExp
        self.personnelShare = personnelShare; self.auditFindings = auditFindings
    }

    /// The agency as a comparable unit: its name within its region.
    var agencyKey: String { agency + "\u{1}" + regionCode }

    /// Spending for the per-staff figure: what was executed, else basic plus project spending.
    var spending: ExactDecimal? {
        executed ?? basicExp.flatMap { basic in projectExp.map { basic + $0 } }
    }
}

/// One report's rows as the comparative tables read them: its records (records.csv), the
/// categories of each of its problem items (problems.csv) and its audit results (audits.csv).
public struct ReportRows: Sendable {
    public var records: [RecordRow] = []
    /// One entry per problem item: its categories (an item may have none).
    public var problemCategories: [[String]] = []
    public var audits: [AuditRow] = []
    public init() {}
}

/// An audits.csv row reduced to what the summary needs: its record (by project name within
/// the report, as audits.csv names it), its check and its status.
public struct AuditRow: Sendable {
    public enum Status: UInt8, Sendable { case ok, finding, notApplicable }
    public var project: String
    public var check: String
    public var status: Status
    public init(project: String, check: String, status: Status) { self.project = project; self.check = check; self.status = status }
    /// From the `status` cell as written (`ok`, `finding`, `not_applicable`).
    public init(project: String, check: String, statusCell: String) {
        self.init(project: project, check: check,
                  status: statusCell == "finding" ? .finding : statusCell == "not_applicable" ? .notApplicable : .ok)
    }
}

/// What a reviewer asks for: `--year 2023` or `--year 2021-2023`, `--level`, `--kind`.
public struct AggregateFilter: Sendable {
    public var years: ClosedRange<Int>?
    public var level: RegionLevel?
    public var kind: String?
    public init(years: ClosedRange<Int>? = nil, level: RegionLevel? = nil, kind: String? = nil) {
        self.years = years; self.level = level; self.kind = kind
    }

    func admits(_ record: RecordRow) -> Bool {
        if let kind, record.kind != kind { return false }
        if let years { guard let year = record.year, years.contains(year) else { return false } }
        return true
    }
}

public enum RegionLevel: String, Sendable, CaseIterable {
    case county, prefecture, province, all

    /// The level's place in `allCases` (without building the list).
    var order: Int {
        switch self {
        case .county: return 0
        case .prefecture: return 1
        case .province: return 2
        case .all: return 3
        }
    }

    /// The group a record belongs to at this level (nil when its region lacks the level):
    /// codes of the upper levels follow from the 6-digit code (430212 → 430200 → 430000).
    func group(of record: RecordRow) -> (code: String, name: String)? {
        let code = record.regionCode
        switch self {
        case .county: return record.county.isEmpty ? nil : (code, record.county)
        case .prefecture:
            guard code.count == 6 else { return nil }
            if !record.prefecture.isEmpty { return (String(code.prefix(4)) + "00", record.prefecture) }
            // A municipality (北京市, 重庆市: a province-level 市) has no prefecture: at this
            // level its districts are compared as the city they belong to.
            return record.province.hasSuffix("市") ? (String(code.prefix(2)) + "0000", record.province) : nil
        case .province: return record.province.isEmpty || code.count != 6 ? nil : (String(code.prefix(2)) + "0000", record.province)
        case .all: return ("", "全部")
        }
    }
}
