/// An exact decimal number with six fractional digits, stored as an integer count of
/// millionths. Money never goes through binary floating point: 0.989 万元 stays 0.989.
public struct ExactDecimal: Comparable, Hashable, Sendable, CustomStringConvertible {
    public static let scale: Int64 = 1_000_000
    public let millionths: Int64

    public init(millionths: Int64) { self.millionths = millionths }
    /// An integer count; beyond the representable range it saturates (never traps).
    public init(_ integer: Int) {
        let (value, overflow) = Int64(integer).multipliedReportingOverflow(by: Self.scale)
        self.millionths = overflow ? (integer < 0 ? .min : .max) : value
    }

    /// The largest magnitude a value read from a report may have: 10^10 (in 万元, a
    /// hundred trillion yuan — more than any budget). Larger values are damage or attack;
    /// they are rejected where read (`isPlausible`), so that sums of thousands of accepted
    /// values stay exact.
    public static let plausibleLimit = ExactDecimal(millionths: 10_000_000_000 * 1_000_000)
    public var isPlausible: Bool { millionths.magnitude <= Self.plausibleLimit.millionths.magnitude }

    public static let zero = ExactDecimal(millionths: 0)

    /// Parses ASCII digits with an optional sign and decimal point ("150.00", "-3", ".5").
    /// Digits beyond the sixth decimal are rounded half away from zero.
    /// Inlinable, so that callers in other modules get it specialized for their sequence
    /// (unspecialized, each scalar went through the generic iterator's witnesses).
    @inlinable
    public init?<S: Sequence>(digits: S) where S.Element == Unicode.Scalar {
        var negative = false, seenDigit = false, seenPoint = false
        var integerPart: Int64 = 0, fraction: Int64 = 0, fractionDigits = 0, roundUp = false
        var first = true
        for scalar in digits {
            defer { first = false }
            switch scalar {
            case "-" where first: negative = true
            case "+" where first: continue
            case "." where !seenPoint: seenPoint = true
            case "0"..."9":
                let digit = Int64(scalar.value - 48)
                seenDigit = true
                if !seenPoint {
                    guard integerPart < Int64.max / 100 / Self.scale else { return nil }
                    integerPart = integerPart * 10 + digit
                } else if fractionDigits < 6 {
                    fraction = fraction * 10 + digit
                    fractionDigits += 1
                } else if fractionDigits == 6 {
                    roundUp = digit >= 5
                    fractionDigits += 1
                }
            default: return nil
            }
        }
        guard seenDigit else { return nil }
        for _ in 0..<(6 - min(fractionDigits, 6)) { fraction *= 10 }
        var value = integerPart * Self.scale + fraction + (roundUp ? 1 : 0)
        if negative { value = -value }
        self.millionths = value
    }

    public init?(_ text: String) { self.init(digits: text.unicodeScalars) }

    /// Sum and difference saturate at the ends of the range instead of trapping; values
    /// from files are range-checked first (`isPlausible`), and `adding`/`subtracting` say
    /// when a result did not fit.
    public static func + (a: Self, b: Self) -> Self { a.adding(b) ?? Self(millionths: b.millionths < 0 ? .min : .max) }
    public static func - (a: Self, b: Self) -> Self { a.subtracting(b) ?? Self(millionths: b.millionths > 0 ? .min : .max) }
    public static func < (a: Self, b: Self) -> Bool { a.millionths < b.millionths }
    public static prefix func - (a: Self) -> Self { Self(millionths: a.millionths == .min ? .max : -a.millionths) }

    /// nil when the sum does not fit.
    public func adding(_ other: Self) -> Self? {
        let (value, overflow) = millionths.addingReportingOverflow(other.millionths)
        return overflow ? nil : Self(millionths: value)
    }

    /// nil when the difference does not fit.
    public func subtracting(_ other: Self) -> Self? {
        let (value, overflow) = millionths.subtractingReportingOverflow(other.millionths)
        return overflow ? nil : Self(millionths: value)
    }

    /// The exact sum of many values (nil when it does not fit): summed in 128 bits.
    public static func sum<S: Sequence>(_ values: S) -> Self? where S.Element == Self {
        var total: Int128 = 0
        for value in values { total += Int128(value.millionths) }
        return Int64(exactly: total).map { Self(millionths: $0) }
    }

    /// The mean of `values` to `decimals` places, summed in 128 bits (nil when empty).
    public static func mean(_ values: [Self], decimals: Int = 2) -> Self? {
        var total: Int128 = 0
        for value in values { total += Int128(value.millionths) }
        return mean(total: total, count: values.count, decimals: decimals)
    }

    /// The mean of values whose millionths sum to `total` (nil when `count` is 0): what a
    /// running tally keeps instead of the values themselves.
    public static func mean(total: Int128, count: Int, decimals: Int = 2) -> Self? {
        guard count > 0 else { return nil }
        return Self(millionths: Int64(clamping: divideRounded(total, Int128(count)))).rounded(decimals: decimals)
    }

    /// Multiplies by 10^power (power may be negative; digits below a millionth are rounded).
    public func scaled(byPowerOfTen power: Int) -> ExactDecimal {
        var value = Int128(millionths)
        if power >= 0 {
            // Past 10^19 every nonzero value is beyond the range: stop before Int128 overflows.
            for _ in 0..<min(power, 20) { value *= 10 }
        } else if power < -30 {
            value = 0
        } else {
            var divisor: Int128 = 1
            for _ in 0..<(-power) { divisor *= 10 }
            value = Self.divideRounded(value, divisor)
        }
        return ExactDecimal(millionths: Int64(clamping: value))
    }

    /// self ÷ denominator × 100, rounded half away from zero to `decimals` places.
    /// Returns nil when the denominator is zero.
    public func percent(of denominator: ExactDecimal, decimals: Int = 2) -> ExactDecimal? {
        guard denominator.millionths != 0 else { return nil }
        let exact = Self.divideRounded(Int128(millionths) * 100 * Int128(Self.scale), Int128(denominator.millionths))
        return ExactDecimal(millionths: Int64(clamping: exact)).rounded(decimals: decimals)
    }

    /// self ÷ divisor rounded to `decimals` places (nil when the divisor is zero).
    public func divided(by divisor: ExactDecimal, decimals: Int = 2) -> ExactDecimal? {
        guard divisor.millionths != 0 else { return nil }
        let exact = Self.divideRounded(Int128(millionths) * Int128(Self.scale), Int128(divisor.millionths))
        return ExactDecimal(millionths: Int64(clamping: exact)).rounded(decimals: decimals)
    }

    /// Rounds half away from zero to `decimals` fractional digits (0...6).
    public func rounded(decimals: Int) -> ExactDecimal {
        guard decimals < 6 else { return self }
        if decimals >= 0 {
            // To 0…5 decimals: a unit of at most 10^6, in 64-bit arithmetic (as `divideRounded`
            // does in 128 bits), clamped where the rounded value does not fit.
            let unit = Self.unitsOfDecimals[decimals]
            let quotient = millionths / unit, remainder = millionths % unit
            let rounded = remainder != 0 && remainder.magnitude * 2 >= UInt64(unit) ? quotient + (millionths < 0 ? -1 : 1) : quotient
            let (value, overflow) = rounded.multipliedReportingOverflow(by: unit)
            return ExactDecimal(millionths: overflow ? (rounded < 0 ? .min : .max) : value)
        }
        var unit: Int128 = 1
        for _ in 0..<(6 - decimals) { unit *= 10 }
        return ExactDecimal(millionths: Int64(clamping: Self.divideRounded(Int128(millionths), unit) * unit))
    }

    /// Number of fractional digits actually used (0...6), e.g. 2 for 91.64.
    public var fractionDigits: Int {
        var rest = millionths % Self.scale, digits = 6
        if rest == 0 { return 0 }
        while rest % 10 == 0 { rest /= 10; digits -= 1 }
        return digits
    }

    /// Plain notation without trailing zeros: "150.00", "55", "0.989", "-3.5".
    public var description: String { formatted(decimals: fractionDigits) }

    /// Plain notation with exactly `decimals` fractional digits (after rounding).
    public func formatted(decimals: Int) -> String {
        let value = rounded(decimals: decimals).millionths
        let magnitude = value.magnitude
        let whole = magnitude / UInt64(Self.scale), fraction = magnitude % UInt64(Self.scale)
        var wholeDigits = 1
        var rest = whole
        while rest >= 10 { rest /= 10; wholeDigits += 1 }
        let fractionDigits = min(max(decimals, 0), 6)
        // Sign, at most 14 whole digits, point and 6 decimals: ASCII written in place. The
        // capacity is the exact length: up to 15 bytes, a small String (no allocation).
        let length = (value < 0 ? 1 : 0) + wholeDigits + (fractionDigits > 0 ? 1 + fractionDigits : 0)
        return String(unsafeUninitializedCapacity: length) { out in
            var at = 0
            if value < 0 { out[at] = UInt8(ascii: "-"); at += 1 }
            rest = whole
            for position in stride(from: at + wholeDigits - 1, through: at, by: -1) {
                out[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            at += wholeDigits
            if fractionDigits > 0 {
                out[at] = UInt8(ascii: "."); at += 1
                var divisor = UInt64(Self.scale) / 10
                for _ in 0..<fractionDigits {
                    out[at] = UInt8(ascii: "0") + UInt8(fraction / divisor % 10); at += 1
                    divisor /= 10
                }
            }
            return at
        }
    }

    /// The millionths of one unit of the last of 0…5 decimals (10^6 … 10).
    static let unitsOfDecimals: [Int64] = [1_000_000, 100_000, 10_000, 1_000, 100, 10]

    static func divideRounded(_ numerator: Int128, _ denominator: Int128) -> Int128 {
        let quotient = numerator / denominator, remainder = numerator % denominator
        guard remainder != 0 else { return quotient }
        let twice = remainder.magnitude * 2
        guard twice >= denominator.magnitude else { return quotient }
        return (numerator < 0) != (denominator < 0) ? quotient - 1 : quotient + 1
    }
}
