import PerfevalCore

/// China's administrative divisions (GB/T 2260 six-digit codes) from data/regions.csv
/// (`code,name,level,parent_code`) and the short forms people write from
/// data/region_aliases.csv (`alias,code`: 黔南州 → 522700).
public struct Gazetteer: Sendable {
    public enum Level: String, Sendable { case province, prefecture, county }

    public struct Division: Sendable, Equatable {
        public let code: String
        public let name: String
        public let level: Level
        public let parentCode: String?
    }

    public enum LoadError: Error, CustomStringConvertible {
        case badHeader(String), badRow(String, Int)
        public var description: String {
            switch self {
            case .badHeader(let file): return "\(file): unexpected header"
            case .badRow(let file, let row): return "\(file): row \(row) is malformed"
            }
        }
    }

    let divisions: [String: Division]
    /// Each division's `chain`, built once (resolving a name asks for the chains of its
    /// candidates again and again).
    let chains: [String: [Division]]
    /// Every written form (full name or alias) → the divisions it may mean.
    let names: [[Unicode.Scalar]: [String]]
    let namesByFirstScalar: ScalarIndex<[Unicode.Scalar]>
    /// Province and prefecture names without their 省 / 市 / 自治区 (`苏州` in `苏州某职业学校`,
    /// `湖南` in `湖南某协会`): read only when a text names no division in full.
    let stems: [[Unicode.Scalar]: [String]]
    let stemsByFirstScalar: ScalarIndex<[Unicode.Scalar]>
    static let stemmedSuffixes = ["维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市", "地区", "盟"].map { Array($0.unicodeScalars) }

    public init(regionRows: [[String]], aliasRows: [[String]]) throws {
        guard regionRows.first == ["code", "name", "level", "parent_code"] else { throw LoadError.badHeader("regions.csv") }
        guard aliasRows.first == ["alias", "code"] else { throw LoadError.badHeader("region_aliases.csv") }
        var divisions: [String: Division] = [:]
        var names: [[Unicode.Scalar]: [String]] = [:]
        for (index, row) in regionRows.dropFirst().enumerated() {
            guard row.count >= 4, row[0].count == 6, let level = Level(rawValue: row[2]) else { throw LoadError.badRow("regions.csv", index + 2) }
            divisions[row[0]] = Division(code: row[0], name: row[1], level: level, parentCode: row[3].isEmpty ? nil : row[3])
            names[TextFolding.compact(row[1]), default: []].append(row[0])
        }
        for (index, row) in aliasRows.dropFirst().enumerated() {
            guard row.count >= 2, divisions[row[1]] != nil else { throw LoadError.badRow("region_aliases.csv", index + 2) }
            let alias = TextFolding.compact(row[0])
            if !(names[alias]?.contains(row[1]) ?? false) { names[alias, default: []].append(row[1]) }
        }
        self.divisions = divisions
        chains = divisions.mapValues { Self.chain($0.code, in: divisions) }
        self.names = names
        namesByFirstScalar = ScalarIndex(names.keys.compactMap { name in name.first.map { ($0, name) } }, orderedBy: Self.longestFirst)
        var stems: [[Unicode.Scalar]: [String]] = [:]
        for division in divisions.values where division.level != .county {
            let name = TextFolding.compact(division.name)
            guard let suffix = Self.stemmedSuffixes.first(where: { name.count - $0.count >= 2 && Array(name.suffix($0.count)) == $0 }) else { continue }
            stems[Array(name.dropLast(suffix.count)), default: []].append(division.code)
        }
        for key in stems.keys { stems[key]!.sort() }
        self.stems = stems
        stemsByFirstScalar = ScalarIndex(stems.keys.compactMap { name in name.first.map { ($0, name) } }, orderedBy: Self.longestFirst)
    }

    /// Longer names first, those of one length in descending string order: the order of
    /// `(count, string)` pairs, with the strings made only for names of the same length.
    static func longestFirst(_ first: [Unicode.Scalar], _ second: [Unicode.Scalar]) -> Bool {
        first.count != second.count ? first.count > second.count : first.string > second.string
    }

    public func division(_ code: String) -> Division? { divisions[code] }

    /// The division and its ancestors, from the province down.
    public func chain(_ code: String) -> [Division] { chains[code] ?? [] }

    static func chain(_ code: String, in divisions: [String: Division]) -> [Division] {
        var chain: [Division] = []
        var next: String? = code
        while let current = next, let division = divisions[current] {
            chain.insert(division, at: 0)
            next = division.parentCode
        }
        return chain
    }

    /// Region names found in the text, leftmost-longest (`长沙市岳麓区档案馆` → 长沙市, 岳麓区).
    func mentions(in text: [Unicode.Scalar], stemsOnly: Bool = false) -> [[String]] {
        let (index, table) = stemsOnly ? (stemsByFirstScalar, stems) : (namesByFirstScalar, names)
        var found: [[String]] = []
        var position = 0
        while position < text.count {
            if let candidates = index.candidates(startingWith: text[position]),
               let name = candidates.first(where: { text.matches($0, at: position) }) {
                found.append(table[name]!)
                position += name.count
            } else {
                position += 1
            }
        }
        return found
    }
}
