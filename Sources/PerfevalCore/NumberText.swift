/// Where a written number ends, on scalars (the hot path avoids Regex and Character).
public enum NumberText {
    /// End index of a decimal number starting exactly at `start` (`1,234.56` allowed).
    public static func end(in text: [Unicode.Scalar], from start: Int) -> Int? {
        var position = start
        var digits = 0, seenPoint = false
        while position < text.count {
            let scalar = text[position]
            if TextFolding.isDigit(scalar) {
                digits += 1
            } else if scalar == ".", !seenPoint, digits > 0, position + 1 < text.count, TextFolding.isDigit(text[position + 1]) {
                seenPoint = true
            } else if scalar == ",", !seenPoint, digits > 0, isThousandsGroup(text, at: position + 1) {
                // thousands separator inside a number
            } else {
                break
            }
            position += 1
        }
        return digits > 0 ? position : nil
    }

    static func isThousandsGroup(_ text: [Unicode.Scalar], at index: Int) -> Bool {
        guard index + 3 <= text.count else { return false }
        for offset in 0..<3 where !TextFolding.isDigit(text[index + offset]) { return false }
        return index + 3 == text.count || !TextFolding.isDigit(text[index + 3])
    }

}

extension ArraySlice where Element == UInt8 {
    /// Whether the byte sequence occurs anywhere in these bytes (a plain loop: the generic
    /// `firstIndex(of:)` over slices cost a fifth of the whole run).
    public func containsBytes(_ needle: [UInt8]) -> Bool {
        guard let first = needle.first, count >= needle.count else { return false }
        var index = startIndex
        while index <= endIndex - needle.count {
            if self[index] == first {
                var matched = 1
                while matched < needle.count && self[index + matched] == needle[matched] { matched += 1 }
                if matched == needle.count { return true }
            }
            index += 1
        }
        return false
    }
}

extension Array where Element == UInt8 {
    public func containsBytes(_ needle: [UInt8]) -> Bool { self[...].containsBytes(needle) }
}

/// Money units as written after an amount, converted to 万元 (the unit of the output).
public enum MoneyUnit {
    /// The amount in 万元 for a unit written as `亿元`, `万元`, `万`, `千元` or `元`; nil for
    /// anything else.
    public static func inWan(_ value: ExactDecimal, unit: String) -> ExactDecimal? {
        var scalars = unit.unicodeScalars.makeIterator()
        let (first, second, third) = (scalars.next(), scalars.next(), scalars.next())
        guard isWhole(first), isWhole(second), isWhole(third) else { return inWanComparingCharacters(value, unit: unit) }
        return inWan(value, first: first, second: second)
    }

    /// The same for the unit's scalars (the text after a number), without making a String.
    public static func inWan(_ value: ExactDecimal, unitScalars unit: ArraySlice<Unicode.Scalar>) -> ExactDecimal? {
        let start = unit.startIndex
        let first = unit.count > 0 ? unit[start] : nil, second = unit.count > 1 ? unit[start + 1] : nil, third = unit.count > 2 ? unit[start + 2] : nil
        guard isWhole(first), isWhole(second), isWhole(third) else {
            return inWanComparingCharacters(value, unit: String(String.UnicodeScalarView(unit)))
        }
        return inWan(value, first: first, second: second)
    }

    @inline(__always)
    static func isWhole(_ scalar: Unicode.Scalar?) -> Bool { scalar?.isWholeCharacter ?? true }

    /// The rule on a unit's first two scalars, when its first three are whole characters:
    /// then comparing scalars gives what comparing characters gives.
    static func inWan(_ value: ExactDecimal, first: Unicode.Scalar?, second: Unicode.Scalar?) -> ExactDecimal? {
        if first == "亿" && second == "元" { return value.scaled(byPowerOfTen: 4) }
        if first == "万" { return value }
        if first == "千" && second == "元" { return value.scaled(byPowerOfTen: -1) }
        if first == "元" { return value.scaled(byPowerOfTen: -4) }
        return nil
    }

    /// The rule by `String` comparison, for units with combining marks or other scalars
    /// that are not characters of their own.
    static func inWanComparingCharacters(_ value: ExactDecimal, unit: String) -> ExactDecimal? {
        if unit.hasPrefix("亿元") { return value.scaled(byPowerOfTen: 4) }
        if unit.hasPrefix("万元") || unit.hasPrefix("万") { return value }
        if unit.hasPrefix("千元") { return value.scaled(byPowerOfTen: -1) }
        if unit.hasPrefix("元") { return value.scaled(byPowerOfTen: -4) }
        return nil
    }

    /// `12.8万元`, `6500元` → 万元.
    public static func parse(_ text: String) -> ExactDecimal? {
        let scalars = text.scalarArray
        guard let end = NumberText.end(in: scalars, from: 0), let value = ExactDecimal(digits: scalars[..<end].lazy.filter { $0 != "," }) else { return nil }
        return inWan(value, unitScalars: scalars[end...])
    }
}

extension Unicode.Scalar {
    /// Whether the scalar is a character by itself beside any other such scalar, and
    /// canonically equivalent to no other scalar: ASCII (but CR and LF, which join), CJK
    /// ideographs and punctuation, full-width forms, `≤ ≥ ≦ ≧`. Among these, comparing
    /// scalars gives what comparing `String`s (by characters) gives, much faster.
    @inlinable
    public var isWholeCharacter: Bool {
        switch value {
        case 0x0A, 0x0D: return false
        case 0x00...0x7F, 0x3001...0x3029, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xFF01...0xFF5E, 0x2264...0x2267: return true
        default: return false
        }
    }
}
