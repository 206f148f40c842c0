import XCTest
@testable import PerfevalCore

/// Fast paths of PerfevalCore give what the general code gives.
final class FastPathTests: XCTestCase {
    /// `rounded(decimals:)` in 64 bits equals rounding in 128 bits, clamped, at the ends of
    /// the range too.
    func testRoundingIn64BitsEqualsTheGeneralRounding() {
        func reference(_ value: ExactDecimal, _ decimals: Int) -> Int64 {
            var unit: Int128 = 1
            for _ in 0..<(6 - decimals) { unit *= 10 }
            return Int64(clamping: ExactDecimal.divideRounded(Int128(value.millionths), unit) * unit)
        }
        var values: [Int64] = [0, 1, -1, 5, -5, 49, 50, 51, -49, -50, -51, 499_999, 500_000, -500_000, 1_234_567, -9_876_543,
                               .max, .min, .max - 1, .min + 1, .max - 400_000, .min + 400_000]
        var state: UInt64 = 3
        for _ in 0..<2000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            values.append(Int64(bitPattern: state) >> Int64(state % 60))
        }
        for millionths in values {
            let value = ExactDecimal(millionths: millionths)
            for decimals in 0..<6 {
                XCTAssertEqual(value.rounded(decimals: decimals).millionths, reference(value, decimals), "\(millionths) to \(decimals)")
            }
        }
    }

    /// The three-byte fast path of the decoder reads what the general path reads.
    func testThreeByteSequencesDecodeAsScalars() {
        for value in stride(from: 0x800, through: 0xFFFF, by: 1) where !(0xD800...0xDFFF).contains(value) {
            let scalar = Unicode.Scalar(UInt32(value))!
            let bytes = Array(String(Character(scalar)).utf8)
            XCTAssertEqual(TextFolding.scalarsOfValidUTF8(bytes[...]), [scalar])
            XCTAssertEqual(TextFolding.foldedValidUTF8(bytes[...]), TextFolding.fold(scalar).map { [$0] } ?? [])
        }
        // Not well-formed: a lead without its continuation bytes, a surrogate.
        XCTAssertNil(TextFolding.scalarsOfValidUTF8([0xEF, 0xBC][...]))
        XCTAssertNil(TextFolding.scalarsOfValidUTF8([0xE3, 0x41, 0x80][...]))
        XCTAssertNil(TextFolding.scalarsOfValidUTF8([0xED, 0xA0, 0x80][...]))
    }
}
