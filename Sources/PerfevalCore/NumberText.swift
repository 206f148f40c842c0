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
