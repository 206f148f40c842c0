import PerfevalCore

/// The agency a report evaluates, chosen among every name the document offers.
///
/// Reports name their unit in many places, with varying reliability: a labelled cell or
/// line (`部门(单位)名称 某县卫生健康局`), the title (`某市某局2023年度部门整体支出绩效自评报告`),
/// a bare name line next to the title, the page's `发布机构 / 来源` line, the report's own
/// `某某(以下简称…)`, the signature or `(盖章)`, an opening `某局是…`, the 主管部门, a quoted
/// project name. Each place gives a candidate with the strength of its evidence; a
/// candidate must have the shape of an agency name (ends in an agency word of
/// data/labels.csv, is not a phrase of the report's structure). The name with the most
/// evidence for its unit wins (all candidates naming the same unit add up), and then the
/// fuller form of the same name (`某市某区财政局` over `某区财政局`, `某镇人民政府` over `某镇`)
/// replaces it.
extension Extractor {
    struct AgencyCandidate {
        var name: [Unicode.Scalar]
        var line: Int
        var strength: Int
    }

    enum Evidence {
        static let labelled = 7, title = 6, besideTitle = 5, publisher = 4, shortForm = 3, signature = 3, opening = 2, supervisor = 1, quoted = 1
    }

    func reportAgency(units: [CompactUnit], titleIndex: Int?) -> (agency: RawValue?, places: [RawPlace]) {
        var runs: [AgencyCandidate] = []
        collectLabelled(units, matcher: agencyMatcher, within: 120, strength: Evidence.labelled, into: &runs)
        if let titleIndex { collectTitle(units, titleIndex: titleIndex, into: &runs) }
        collectLabelled(units, matcher: publisherMatcher, within: 60, strength: Evidence.publisher, into: &runs)
        collectMarked(units, into: &runs)
        for (found, strength) in [(signature(units: units), Evidence.signature), (openingName(units: units), Evidence.opening)] {
            if let found { runs.append(AgencyCandidate(name: Array(found.text.unicodeScalars), line: found.line, strength: strength)) }
        }
        collectLabelled(units, matcher: supervisorMatcher, within: 120, strength: Evidence.supervisor, into: &runs)
        collectQuoted(units, into: &runs)

        // Every run, valid agency or not, may name the place (`某县` in a title without the unit).
        runs.removeAll { run in !(run.name.first.map(TextFolding.isHan) ?? false) }
        let places = runs.sorted { $0.strength > $1.strength }.map { RawPlace(scalars: $0.name, line: $0.line) }
        let valid = runs.compactMap { run -> AgencyCandidate? in
            guard let (name, trimmed) = agencyName(run.name) else { return nil }
            var candidate = run
            candidate.name = name
            // A title that runs on past the name (`某指挥部乡村振兴项目资金`) names its unit less surely.
            if trimmed && run.strength >= Evidence.besideTitle { candidate.strength = Evidence.shortForm }
            return candidate
        }
        // Each name is backed by the candidates of the same unit (`市公安局` backs `某市公安局`):
        // the title and the publisher together outweigh one sub-unit's 实施单位 cell.
        func support(_ candidate: AgencyCandidate) -> Int {
            valid.filter { Self.sameUnit($0.name, candidate.name) }.reduce(0) { $0 + $1.strength }
        }
        guard var best = valid.max(by: { (support($0), $0.strength, -$0.line) < (support($1), $1.strength, -$1.line) }) else { return (nil, places) }
        // The fuller form of the same name: a region prefix or the rest of the unit's name.
        while let fuller = valid.filter({ $0.name.count > best.name.count && Self.sameUnit($0.name, best.name) })
                                .max(by: { ($0.name.count, $0.strength) < ($1.name.count, $1.strength) }) {
            best = fuller
        }
        return (RawValue(text: best.name.string, line: best.line), places)
    }

    /// Names after a label on their line or in the next line or cell, among the first
    /// `limit` units: `单位名称：某局`, `部门(单位)名称 某局`, `单位名称` / `某局` (agency labels);
    /// `来源: 某局 发布时间…`, `[发布机构] 某局` (who published the page); `主管部门: 某局` (the
    /// weakest evidence, for reports that name no other unit).
    private func collectLabelled(_ units: [CompactUnit], matcher: LabelMatcher, within limit: Int, strength: Int,
                                 into runs: inout [AgencyCandidate]) {
        // (Units whose hits hold none of the matcher's labels are passed over by index.)
        for index in 0..<min(limit, units.count) where matcher.mayMatch(units[index].hits) {
            let unit = units[index]
            for match in matcher.matches(in: unit, upTo: Self.headLength) {
                // A short label (`部门:`, `来源`) must start the text or follow punctuation, not end a
                // word (`主管部门:`, `资金来源`).
                if match.label.scalars.count <= 3, match.start > 0, TextFolding.isHan(unit.text[match.start - 1]) { continue }
                let (rest, line) = labelledText(units, at: index, after: match.end)
                runs.append(AgencyCandidate(name: Array(rest), line: line, strength: strength))
            }
        }
    }

    /// Where labels of a form or a page header stand: the first 200 scalars of a line (a page
    /// that glued a whole form into one line keeps its header there).
    static let headLength = 200

    /// The text a label introduces: the rest of its line or cell after `:` or a note, else the
    /// next line or cell when that is not a label itself (`单位名称` / `某局`).
    func labelledText(_ units: [CompactUnit], at index: Int, after end: Int) -> (text: ArraySlice<Unicode.Scalar>, line: Int) {
        let rest = Self.droppingNote(units[index].text[end...])
        guard rest.isEmpty, index + 1 < units.count, cellMatcher.cellLabel(units[index + 1]) == nil else { return (rest, units[index].line) }
        return (units[index + 1].text[...], units[index + 1].line)
    }

    /// The text after a label without the punctuation and note that may follow it:
    /// `：`, `]`, `(盖章)`.
    static let noteLeads = ScalarSet(":]】|/")

    static func droppingNote(_ text: ArraySlice<Unicode.Scalar>) -> ArraySlice<Unicode.Scalar> {
        var rest = text
        while true {
            while let first = rest.first, noteLeads.contains(first) { rest = rest.dropFirst() }
            guard rest.first == "(" else { return rest }
            // A note closed within a few characters, or cut by the end of the line (`总分(100`).
            guard let close = rest.firstIndex(of: ")") else { return rest.count <= 6 ? rest[rest.endIndex...] : rest }
            guard close - rest.startIndex <= 6 else { return rest }
            rest = rest[(close + 1)...]
        }
    }

    /// The title's name (`某局2023年度…报告` → `某局`), the lines just above it when the
    /// title starts with the year, and bare name lines beside it.
    private func collectTitle(_ units: [CompactUnit], titleIndex: Int, into runs: inout [AgencyCandidate]) {
        let title = units[titleIndex]
        let name = titleName(title.text)
        if !name.isEmpty { runs.append(AgencyCandidate(name: name, line: title.line, strength: Evidence.title)) }
        let nearby = max(0, titleIndex - 3)..<min(units.count, titleIndex + 4)
        for index in nearby where index != titleIndex && !units[index].isCell && (index > titleIndex || name.isEmpty) {
            let text = units[index].text
            guard text.count <= 40, !text.contains(where: { Self.sentencePunctuation.contains($0) }) else { continue }
            let strength = index < titleIndex && name.isEmpty ? Evidence.title : Evidence.besideTitle
            runs.append(AgencyCandidate(name: titleName(text), line: units[index].line, strength: strength))
        }
    }

    /// The text of a title line before its year, kind or title word, without list numbers,
    /// brackets and a leading year: `1、某局2023年度部门整体…` → `某局`.
    func titleName(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var title = Self.droppingListNumber(text)
        while let first = title.first, "《<\"“[【".unicodeScalars.contains(first) { title = Array(title.dropFirst()) }
        for prefix in Self.titlePrefixes where title.starts(with: prefix) { title = Array(title.dropFirst(prefix.count)) }
        title = Self.droppingLeadingYear(title)
        let cut = [Self.yearStart(in: title), kindMatcher.firstMatch(in: title)?.start, titleLineMatcher.firstMatch(in: title)?.start,
                   title.firstIndex(of: Self.about)]
            .compactMap { $0 }.min() ?? title.count
        return Array(title[..<cut])
    }

    static let titlePrefixes: [[Unicode.Scalar]] = ["附件:", "附件", "关于"].map { Array($0.unicodeScalars) }
    static let about = Array("关于".unicodeScalars)

    /// `1、`, `一、`, `(一)` before a line's text.
    static func droppingListNumber(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var index = 0
        while index < text.count, index < 3, TextFolding.isDigit(text[index]) || chineseNumerals.contains(text[index]) { index += 1 }
        if index > 0, index < text.count, listMarks.contains(text[index]) { return Array(text[(index + 1)...]) }
        return text
    }

    /// Names marked as the report's own: `某某(以下简称某某)` and `某某(盖章)`.
    private func collectMarked(_ units: [CompactUnit], into runs: inout [AgencyCandidate]) {
        for index in 0..<min(80, units.count) where markerMatcher.mayMatch(units[index].hits) {
            let unit = units[index]
            for match in markerMatcher.matches(in: unit) {
                let strength = match.label.field == .shortFormMarker ? Evidence.shortForm : Evidence.signature
                let before = nameBefore(unit.text, end: match.start)
                if !before.isEmpty, agencyName(before) != nil {
                    runs.append(AgencyCandidate(name: before, line: unit.line, strength: strength))
                } else if match.label.field == .sealMarker {
                    // `评价单位(公章): 某局`: whatever label the seal follows, the name after it is the unit's.
                    runs.append(AgencyCandidate(name: Array(Self.droppingNote(unit.text[match.end...])), line: unit.line, strength: Evidence.labelled))
                }
            }
        }
    }

    /// The run of Chinese text that ends at `end`, back to punctuation, a digit or the end
    /// of a title word (`…绩效自评报告某中心(盖章)` → `某中心`).
    func nameBefore(_ text: [Unicode.Scalar], end: Int) -> [Unicode.Scalar] {
        var start = end
        while start > 0, TextFolding.isHan(text[start - 1]) { start -= 1 }
        var run = Array(text[start..<end])
        while let title = titleLineMatcher.matches(in: run).last ?? kindMatcher.matches(in: run).last { run = Array(run[title.end...]) }
        return run
    }

    /// A quoted project name that starts with its unit (`对“某县某中心动物防疫专项经费”进行评价`):
    /// the weakest evidence, cut after the unit's agency word.
    private func collectQuoted(_ units: [CompactUnit], into runs: inout [AgencyCandidate]) {
        for unit in units.prefix(40) where !unit.isCell {
            var position = 0
            while let open = unit.text[position...].firstIndex(of: "“"), let close = unit.text[open...].firstIndex(of: "”") {
                runs.append(AgencyCandidate(name: Array(unit.text[(open + 1)..<close]), line: unit.line, strength: Evidence.quoted))
                position = close
            }
        }
    }

    // MARK: the shape of an agency name

    /// The agency name a run of text starts with, or nil: the run is cut at the first
    /// scalar that cannot be part of a name, at a generic word (`部门`, `单位`) and at a
    /// report word; it must then end in an agency word. When it runs on past the name
    /// (`某局发布时间`), it is cut after the last multi-character agency word (`人民政府`,
    /// `委员会`) or else after the first one-character word (`局`).
    func agencyName(_ text: [Unicode.Scalar]) -> (name: [Unicode.Scalar], trimmed: Bool)? {
        var run = Array(text.prefix { TextFolding.isHan($0) || $0 == "(" || $0 == ")" })
        while let lead = nameLeads.first(where: { run.count > $0.count + 2 && run.starts(with: $0) }) { run.removeFirst(lead.count) }
        let cuts = [genericNames.compactMap { word in word.count >= 2 ? run.firstIndex(of: word, from: 1) : nil }.min(),
                    kindMatcher.firstMatch(in: run)?.start, titleLineMatcher.firstMatch(in: run)?.start, run.firstIndex(of: Self.about, from: 1)]
        if let cut = cuts.compactMap({ $0 }).min() { run = Array(run[..<cut]) }
        if run.last == "(" { run.removeLast() }
        guard !endsInAgencyWord(run) else { return nameCandidate(run).map { _ in (run, false) } }
        let lastLongWordEnd = run.indices.reversed().first { index in
            longSuffixEnds.contains(run[index]) && agencySuffixes.contains { $0.count >= 2 && run.matches($0, at: index + 1 - $0.count) }
        }
        // A one-character agency word that starts another word (`处室`, `局长`) ends no name.
        let shortWordEnd = run.indices.first { index in
            index >= 2 && oneScalarSuffixes.contains(run[index])
                && !(index + 1 < run.count && suffixBlockers.contains(run[index + 1]))
        }
        guard let end = lastLongWordEnd ?? shortWordEnd else { return nil }
        let name = Array(run[...end])
        return nameCandidate(name).map { _ in (name, true) }
    }

    /// Two names of one unit: equal, or one the other with a place before it or more of the
    /// unit's name after it.
    static func sameUnit(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Bool {
        a == b || hasSuffix(a, b) || hasSuffix(b, a) || a.starts(with: b) || b.starts(with: a)
    }

    func endsInAgencyWord(_ name: [Unicode.Scalar]) -> Bool {
        guard let last = name.last else { return false }
        if name.count > 1 && oneScalarSuffixes.contains(last) { return true }
        return agencySuffixes.contains { $0.count != 1 && name.count > $0.count && Self.hasSuffix(name, $0) }
    }

    static func hasSuffix(_ text: [Unicode.Scalar], _ suffix: [Unicode.Scalar]) -> Bool {
        text.count >= suffix.count && text.matches(suffix, at: text.count - suffix.count)
    }
}
