import PerfevalCore

/// Where an agency sits: province / prefecture / county and the code of the most
/// specific division found. `ambiguity` names the candidates when the name alone could
/// not decide (the same county name in two provinces, with no prefecture in the name).
public struct Region: Sendable, Equatable {
    public var province: String?
    public var prefecture: String?
    public var county: String?
    public var code: String?
    public var ambiguity: String?
    public init(province: String? = nil, prefecture: String? = nil, county: String? = nil, code: String? = nil, ambiguity: String? = nil) {
        self.province = province; self.prefecture = prefecture; self.county = county; self.code = code; self.ambiguity = ambiguity
    }
}

extension Gazetteer {
    /// With `stemsOnly`, reads the short forms of provinces and prefectures instead (`苏州某职业学校`).
    /// Resolves a name such as `长沙市岳麓区档案馆`, `浏阳市档案馆` (a county-level city) or `黔南州档案馆`.
    /// Each candidate division is scored by how many region names in the text it explains
    /// (itself or an ancestor) minus the unrelated ones; the best wins, deepest first.
    public func resolve(_ name: String, stemsOnly: Bool = false) -> Region? {
        resolve(compact: TextFolding.compact(name), stemsOnly: stemsOnly)
    }

    /// `resolve` of a text already compact (folded, without spaces).
    public func resolve(compact name: [Unicode.Scalar], stemsOnly: Bool = false) -> Region? {
        let mentions = mentions(in: name, stemsOnly: stemsOnly)
        guard !mentions.isEmpty else { return nil }
        var best: [(code: String, score: Int, unique: Bool)] = []
        var bestScore = Int.min
        for mention in mentions {
            for code in mention {
                // The code and its ancestors: at most three, looked through rather than hashed.
                let ancestry = chain(code)
                var score = 0
                for other in mentions {
                    if other.contains(where: { code in ancestry.contains { $0.code == code } }) { score += 1 }
                    else if !other.contains(where: { chain($0).contains { $0.code == code } }) { score -= 1 }
                }
                if score > bestScore { best = []; bestScore = score }
                if score == bestScore, !best.contains(where: { $0.code == code }) { best.append((code, score, mention.count == 1)) }
            }
        }
        return region(choosing: best.map(\.code), uniques: best.filter(\.unique).map(\.code))
    }

    private func region(choosing codes: [String], uniques: [String]) -> Region? {
        let chains = codes.map(chain)
        // All candidates on one line of descent: the deepest one.
        if let deepest = chains.max(by: { $0.count < $1.count }),
           chains.allSatisfy({ chain in chain.allSatisfy { division in deepest.contains { $0.code == division.code } } }) {
            return region(from: deepest)
        }
        if uniques.count == 1 { return region(from: chain(uniques[0])) }
        var common = chains[0]
        // Divisions compared by their codes, which the gazetteer keys them by.
        for other in chains.dropFirst() { common = Array(zip(common, other).prefix { $0.0.code == $0.1.code }.map(\.0)) }
        // A municipality's two pseudo-prefectures (重庆市 500100 and 500200) name the same place.
        let named = chains.compactMap { region(from: $0) }.map { [$0.province, $0.prefecture, $0.county] }
        if let first = named.first, named.allSatisfy({ $0 == first }), var same = region(from: common) {
            (same.province, same.prefecture, same.county) = (first[0], first[1], first[2])
            return same
        }
        var result = region(from: common) ?? Region()
        result.ambiguity = chains.map { $0.map(\.name).joined() }.sorted().joined(separator: " / ")
        // The same county name in two places (朝阳区): the county is known, its place is not.
        if let last = chains.first?.last, last.level == .county, chains.allSatisfy({ $0.last?.name == last.name }) {
            result.county = last.name
        }
        return result
    }

    private func region(from chain: [Division]) -> Region? {
        guard let last = chain.last else { return nil }
        var region = Region(code: last.code)
        for division in chain {
            switch division.level {
            case .province: region.province = division.name
            case .prefecture: region.prefecture = division.name
            case .county: region.county = division.name
            }
        }
        // Municipalities under the central government (北京市, 重庆市): the city is the
        // province; its districts have no prefecture above them.
        if region.prefecture != nil, region.prefecture == region.province { region.prefecture = nil }
        return region
    }
}
