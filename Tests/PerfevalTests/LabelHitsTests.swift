import XCTest
import PerfevalCore
@testable import Extract

/// The label hits of a text (found once by a wide matcher) answer every narrower matcher as
/// its own scan of the text does.
final class LabelHitsTests: XCTestCase {
    /// A small deterministic generator (the same texts on every run).
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    /// Texts of labels of the table glued together, some cut at either end, with digits and
    /// punctuation between them: overlapping and nested labels are common in them.
    func texts(from labels: [Label], count: Int) -> [[Unicode.Scalar]] {
        var generator = Generator(state: 12)
        let fillers: [Unicode.Scalar] = ["1", "0", ":", "(", ")", "%", "."]
        return (0..<count).map { _ in
            var text: [Unicode.Scalar] = []
            for _ in 0..<(1 + generator.next(6)) {
                var label = labels[generator.next(labels.count)].scalars[...]
                if generator.next(4) == 0, label.count > 1 { label = label.dropFirst(generator.next(label.count)) }
                if generator.next(4) == 0, label.count > 1 { label = label.dropLast(generator.next(label.count)) }
                text += label
                for _ in 0..<generator.next(3) { text.append(fillers[generator.next(fillers.count)]) }
            }
            return text
        }
    }

    func testMatchesReadFromHitsEqualTheScan() {
        let table = Reference.shared.labels
        let wide = table.matcher(for: Set(Field.allCases))
        let fieldSets: [Set<Field>] = [[.agency], [.reportTitle, .reportTitleWeak], [.budgetFull, .executed, .executionRate, .fundTotal],
                                       [.staffAuthorizedWord, .staffActualWord], [.level1, .level2, .level3, .target, .actual],
                                       [.agencySuffix], [.statementWord], Set(Field.allCases)]
        func key(_ matches: [LabelMatcher.Match]) -> [[Int]] { matches.map { [$0.start, $0.label.priority] } }
        for text in texts(from: table.labels, count: 400) {
            let hits = wide.hits(in: text)
            for fields in fieldSets {
                let matcher = table.matcher(for: fields)
                XCTAssertEqual(key(matcher.matches(in: text, hits: hits)), key(matcher.matches(in: text)))
                XCTAssertEqual(key(matcher.matches(in: text, hits: hits, upTo: 6)), key(matcher.matches(in: Array(text.prefix(6)))))
                XCTAssertEqual(matcher.firstMatch(in: text, hits: hits).map { [$0.start, $0.label.priority] },
                               matcher.firstMatch(in: text).map { [$0.start, $0.label.priority] })
                for maxExtra in [0, 4, 8] {
                    XCTAssertEqual(matcher.cellLabel(text, hits: hits, maxExtra: maxExtra)?.priority, matcher.cellLabel(text, maxExtra: maxExtra)?.priority)
                }
            }
        }
    }

    func testHitsOfANarrowerMatcherAreNotUsedForAWiderOne() {
        let table = Reference.shared.labels
        let narrow = table.matcher(for: [.agency])
        let wide = table.matcher(for: [.agency, .supervisor])
        for text in texts(from: table.labels, count: 50) {
            let hits = narrow.hits(in: text)
            XCTAssertEqual(wide.matches(in: text, hits: hits).map(\.start), wide.matches(in: text).map(\.start))
        }
    }

    func testSpacedRowTestCountsAsAByteLoop() {
        var generator = Generator(state: 7)
        let pieces: [[UInt8]] = [[0x20], [0x31], [0x39], [0x41], [0xE3, 0x80, 0x80], [0xE3, 0x80, 0x82], [0xE4, 0xB8, 0x80]]
        for _ in 0..<2000 {
            var bytes: [UInt8] = []
            for _ in 0..<generator.next(40) { bytes += pieces[generator.next(pieces.count)] }
            let digits = bytes.filter { $0 &- 0x30 < 10 }.count
            var spaces = bytes.filter { $0 == 0x20 }.count
            if spaces < 2, bytes.count >= 3 {
                spaces += (2..<bytes.count).filter { bytes[$0] == 0x80 && bytes[$0 - 1] == 0x80 && bytes[$0 - 2] == 0xE3 }.count
            }
            let expected = digits >= 2 && spaces >= 2
            XCTAssertEqual(bytes.withUnsafeBufferPointer(Extractor.mayBeSpacedRow), expected, "\(bytes)")
        }
    }
}
