import PerfevalCore
import Extract

/// One unit of comparison with typed values: amounts in 万元 as exact decimals, counts
/// as integers, the fiscal year, the resolved region. Compute fills the derived part.
public struct Record: Sendable {
    public var file: String
    public var kind: RecordKind
    public var project: String?
    public var agency: String?
    public var supervisor: String?
    public var region: Region?
    public var year: Int?
    public var budgetInitial: ExactDecimal?
    public var budgetFull: ExactDecimal?
    public var executed: ExactDecimal?
    public var executionRateStated: ExactDecimal?
    public var scoreTotal: ExactDecimal?
    public var gradeStated: String?
    public var staffAuthorized: Int?
    public var staffActual: Int?
    public var basicExp: ExactDecimal?
    public var personnelExp: ExactDecimal?
    public var publicExp: ExactDecimal?
    public var projectExp: ExactDecimal?
    /// Economic classification of basic spending (工资福利支出 …), used to derive 人员经费/公用经费.
    public var wagesWelfare: ExactDecimal?
    public var householdTransfers: ExactDecimal?
    public var goodsServices: ExactDecimal?
    public var capitalExp: ExactDecimal?

    /// Budget-execution row of the form: its weight (分值) and score (得分).
    public var executionWeight: ExactDecimal?
    public var executionScore: ExactDecimal?
    public var indicators: [Indicator] = []
    public var items: [ExpenditureItem] = []

    // Filled by Compute.
    public var audits: [Audit] = []
    public var scoreSumConvention: String = "none"
    public var executionRate: ExactDecimal?
    public var personnelShare: ExactDecimal?
    public var grade: String?
    public var derivedFields: [String] = []

    /// Source line of each value, by field name.
    public var sourceLines: [(field: String, line: Int)] = []
    /// Things an analyst should know about this record (year missing, region ambiguous …).
    public var flags: [String] = []

    public init(file: String, kind: RecordKind) { self.file = file; self.kind = kind }
}

/// One check of a record against itself (SPEC §6).
public struct Audit: Sendable, Equatable {
    public enum Status: String, Sendable { case ok, finding, notApplicable = "not_applicable" }
    public var check: String
    public var status: Status
    public var expected: String
    public var found: String
    public var detail: String
    public var line: Int?
    public init(check: String, status: Status, expected: String = "", found: String = "", detail: String = "", line: Int? = nil) {
        self.check = check; self.status = status; self.expected = expected; self.found = found; self.detail = detail; self.line = line
    }
}
