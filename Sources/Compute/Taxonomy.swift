import PerfevalCore

/// The problem taxonomy of data/problem_taxonomy.csv (`code,name_zh,area,keywords,exclusions`;
/// keywords and exclusions separated by `;`). Multi-label: an item gets every category
/// one of whose keywords it contains and none of whose exclusions; `other` when none.
public struct Taxonomy: Sendable {
    public struct Category: Sendable {
        public let code: String
        public let name: String
        /// One of the five problem areas of the bureau's rubric (预算和预算绩效管理, …).
        public let area: String
        let keywords: [[Unicode.Scalar]]
        let exclusions: [[Unicode.Scalar]]
    }

    public static let other = "other"
    public static let funding = "funding_shortage"
    public let categories: [Category]
    /// Every keyword by its first scalar, so that `classify` reads an item once instead of
    /// once per keyword.
    let keywords: ScalarIndex<Keyword>
    struct Keyword: Sendable { let category: Int; let scalars: [Unicode.Scalar] }

    public enum LoadError: Error, CustomStringConvertible {
        case badHeader, badRow(Int)
        public var description: String {
            switch self {
            case .badHeader: return "problem_taxonomy.csv must start with code,name_zh,area,keywords,exclusions"
            case .badRow(let row): return "problem_taxonomy.csv row \(row) is malformed"
            }
        }
    }

    public init(rows: [[String]]) throws {
        guard rows.first == ["code", "name_zh", "area", "keywords", "exclusions"] else { throw LoadError.badHeader }
        func terms(_ cell: String) -> [[Unicode.Scalar]] {
            cell.split(separator: ";").map { TextFolding.compact(String($0)) }.filter { !$0.isEmpty }
        }
        let categories = try rows.dropFirst().enumerated().map { index, row in
            guard row.count >= 5, !row[0].isEmpty else { throw LoadError.badRow(index + 2) }
            return Category(code: row[0], name: row[1], area: row[2], keywords: terms(row[3]), exclusions: terms(row[4]))
        }
        self.categories = categories
        areas = Self.areas(of: categories)
        keywords = ScalarIndex(categories.enumerated().flatMap { index, category in
            category.keywords.map { ($0[0], Keyword(category: index, scalars: $0)) }   // terms are never empty
        }) { ($0.category, $0.scalars.count) < ($1.category, $1.scalars.count) }
    }

    /// Every category one of whose keywords the item holds and none of whose exclusions.
    public func classify(_ text: String) -> [String] {
        let scalars = TextFolding.compact(text)
        var matched = [Bool](repeating: false, count: categories.count)
        for position in scalars.indices {
            guard let candidates = keywords.candidates(startingWith: scalars[position]) else { continue }
            for keyword in candidates where !matched[keyword.category] && scalars.matches(keyword.scalars, at: position) {
                matched[keyword.category] = true
            }
        }
        let codes = categories.indices.filter { index in
            matched[index] && categories[index].code != Self.other && !categories[index].exclusions.contains(where: scalars.contains)
        }.map { categories[$0].code }
        return codes.isEmpty ? [Self.other] : codes
    }

    public func area(of code: String) -> String? { categories.first { $0.code == code }.flatMap { $0.area.isEmpty ? nil : $0.area } }

    /// The five areas, in the order the taxonomy first names them.
    public let areas: [String]

    static func areas(of categories: [Category]) -> [String] {
        var seen: [String] = []
        for category in categories where !category.area.isEmpty && !seen.contains(category.area) { seen.append(category.area) }
        return seen
    }
}
