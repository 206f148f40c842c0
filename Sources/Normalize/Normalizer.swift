import PerfevalCore
import Extract

/// Stage 3: raw records → typed records (units to 万元, 年度 to a year, names to regions).
public struct Normalizer: Sendable {
    let gazetteer: Gazetteer

    public init(gazetteer: Gazetteer) { self.gazetteer = gazetteer }

    public func normalize(_ raw: RawRecord, file: String) -> Record {
        var record = Record(file: file, kind: raw.kind)
        let values = raw.values
        record.project = values[.project].map { Self.withoutProjectCode(cleanName($0.text)) }
        record.agency = values[.agency].map { cleanName($0.text) }
        record.supervisor = values[.supervisor].map { cleanName($0.text) }
        record.year = values[.year].flatMap { Int($0.text) }.flatMap { (1990...2100).contains($0) ? $0 : nil }
        record.budgetInitial = values[.budgetInitial].flatMap(Self.amountInWan)
        record.budgetFull = values[.budgetFull].flatMap(Self.amountInWan)
        record.executed = values[.executed].flatMap(Self.amountInWan)
        record.executionRateStated = values[.executionRate].flatMap(Self.percent)
        record.scoreTotal = values[.scoreTotal].flatMap { Self.number($0.text) }
        record.gradeStated = values[.grade]?.text
        record.staffAuthorized = values[.staffAuthorized].flatMap { Self.number($0.text) }.map(Self.integer)
        record.staffActual = values[.staffActual].flatMap { Self.number($0.text) }.map(Self.integer)
        record.basicExp = values[.basicExp].flatMap(Self.amountInWan)
        record.personnelExp = values[.personnelExp].flatMap(Self.amountInWan)
        record.publicExp = values[.publicExp].flatMap(Self.amountInWan)
        record.projectExp = values[.projectExp].flatMap(Self.amountInWan)
        record.wagesWelfare = values[.wagesWelfare].flatMap(Self.amountInWan)
        record.householdTransfers = values[.householdTransfers].flatMap(Self.amountInWan)
        record.goodsServices = values[.goodsServices].flatMap(Self.amountInWan)
        record.capitalExp = values[.capitalExp].flatMap(Self.amountInWan)
        record.executionWeight = values[.weight].flatMap { Self.number($0.text) }
        record.executionScore = values[.score].flatMap { Self.number($0.text) }
        record.indicators = raw.indicators.map(Self.indicator)
        record.items = raw.items.map(Self.item)
        record.sourceLines = values.map { ($0.key.rawValue, $0.value.line) }.sorted { ($0.line, $0.field) < ($1.line, $1.field) }

        if record.year == nil { record.flags.append("year_missing") }
        let (region, fromText) = self.region(names: [record.agency, record.supervisor].compactMap { $0 }, raw: raw)
        record.region = region
        if fromText { record.flags.append("region_from_text") }
        if let ambiguity = record.region?.ambiguity { record.flags.append("region_ambiguous: \(ambiguity)") }
        if record.region == nil { record.flags.append("region_unresolved") }
        return record
    }

    /// Where the unit is: from its own name or its supervisor's; else from the place the title,
    /// the publisher line or the opening sentences name without doubt, refined by a short line
    /// naming a division inside that place (a project `某市某区某医院建设工程`); else from a
    /// short form (`苏州某职业学校`, `某新区(重庆)`). `fromText`: not from the names.
    func region(names: [String], raw: RawRecord) -> (Region?, fromText: Bool) {
        let compactNames = names.map(TextFolding.compact)
        if let region = compactNames.lazy.compactMap({ self.gazetteer.resolve(compact: $0) }).first { return (region, false) }
        let clear = { (text: [Unicode.Scalar], stems: Bool) in self.gazetteer.resolve(compact: text, stemsOnly: stems).flatMap { $0.ambiguity == nil ? $0 : nil } }
        if var region = raw.places.lazy.compactMap({ clear($0.scalars, false) }).first {
            for detail in raw.detailPlaces {
                if let finer = clear(detail.scalars, false), finer.code != region.code, let code = finer.code, let outer = region.code,
                   gazetteer.chain(code).contains(where: { $0.code == outer }) { region = finer; break }
            }
            return (region, true)
        }
        let stemmed = (compactNames + raw.places.map(\.scalars)).lazy.compactMap { clear($0, true) }.first
        return (stemmed, stemmed != nil)
    }

    /// `51092324T000010263357-2023年全县安可替代补助资金项目` → the name after the project code.
    static func withoutProjectCode(_ name: String) -> String {
        // No dash byte, no dash character: the name as it is, without reading its characters.
        guard name.containsByte(where: { $0 == 0x2D }) || name.containsUTF8(emDash) else { return name }
        guard let dash = name.firstIndex(where: { $0 == "-" || $0 == "—" }) else { return name }
        let code = name[..<dash]
        guard code.count >= 10, code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }), name.index(after: dash) < name.endIndex else { return name }
        return String(name[name.index(after: dash)...])
    }

    static let emDash = Array("—".utf8)

    func cleanName(_ text: String) -> String {
        // The spaces `isSpace` drops are ASCII: a text without those bytes is clean already.
        guard text.containsByte(where: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.filter { !TextFolding.isSpace($0) }))
    }

    /// An amount as written (`150.00万元`, `96.40` under a `（万元）` header, `1,200元`)
    /// converted to 万元. Without any unit the amount is taken as 万元, the unit of these forms.
    public static func amountInWan(_ raw: RawValue) -> ExactDecimal? {
        let scalars = raw.text.scalarArray
        guard let end = NumberText.end(in: scalars, from: 0), let value = ExactDecimal(digits: scalars[..<end].lazy.filter { $0 != "," }) else { return nil }
        let wan = scalars[end...].isEmpty ? MoneyUnit.inWan(value, unit: raw.unitHint ?? "万元") : MoneyUnit.inWan(value, unitScalars: scalars[end...])
        if let wan { return wan }
        return raw.unitHint == nil || scalars[end...].first == "%" ? nil : value
    }

    /// A percentage (`100%`, `91.64`, or a fraction `0.98` written without the sign).
    public static func percent(_ raw: RawValue) -> ExactDecimal? {
        let scalars = raw.text.scalarArray
        guard let end = NumberText.end(in: scalars, from: 0), let value = ExactDecimal(digits: scalars[..<end]) else { return nil }
        if scalars[end...].first == "%" { return value }
        return value <= ExactDecimal(1) ? value.scaled(byPowerOfTen: 2) : value
    }

    /// The leading number of a value (`97`, `10分`, `14人`).
    public static func number(_ text: String) -> ExactDecimal? {
        let scalars = text.scalarArray
        guard let end = NumberText.end(in: scalars, from: 0) else { return nil }
        return ExactDecimal(digits: scalars[..<end].lazy.filter { $0 != "," })
    }

    static func integer(_ value: ExactDecimal) -> Int { Int(value.rounded(decimals: 0).millionths / ExactDecimal.scale) }
}

extension String {
    /// Whether one of the text's UTF-8 bytes passes `test`, read from its storage in place.
    func containsByte(where test: (UInt8) -> Bool) -> Bool {
        utf8.withContiguousStorageIfAvailable { $0.contains(where: test) } ?? utf8.contains(where: test)
    }

    /// Whether these UTF-8 bytes occur in the text (a byte search: no characters read).
    func containsUTF8(_ needle: [UInt8]) -> Bool {
        utf8.withContiguousStorageIfAvailable { Self.bytes($0, contain: needle) } ?? Array(utf8).withUnsafeBufferPointer { Self.bytes($0, contain: needle) }
    }

    private static func bytes(_ bytes: UnsafeBufferPointer<UInt8>, contain needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, bytes.count >= needle.count else { return needle.isEmpty }
        for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] {
            if (1..<needle.count).allSatisfy({ bytes[start + $0] == needle[$0] }) { return true }
        }
        return false
    }
}
