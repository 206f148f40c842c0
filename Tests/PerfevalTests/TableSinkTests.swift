import XCTest
import PerfevalCore
import Emit
@testable import Pipeline

/// Rows handed to a CSV sink cell by cell are the bytes `Emit.encodeRows` gives for the
/// same cells; a cell sink keeps the cells.
final class TableSinkTests: XCTestCase {
    func testCSVSinkWritesTheBytesOfEncodeRows() {
        let numbers = [0, 7, 10, -12, 2_023, Int.max, Int.min]
        let texts = ["=SUM(A1)", "株洲市,档案馆", "say \"yes\"", "a\r\nb", "-3", "", "短", "a field longer than eight bytes"]
        var rows: [[CellValue]] = [texts.map { CellValue.text($0) } + [.text(nil)], numbers.map { CellValue.number($0) } + [.number(nil as Int?)],
                                   [.amount(ExactDecimal("30.5")), .percent(ExactDecimal("12.345")), .empty]]
        rows.append([.number(3), .text("x")])
        var csv = CSVTableSink(), cells = CellRowSink()
        func write<Sink: TableSink>(_ sink: inout Sink) {
            for text in texts { sink.text(text) }
            sink.text(nil)
            sink.endRow()
            for number in numbers { sink.number(number) }
            sink.number(nil)
            sink.endRow()
            sink.row([.amount(ExactDecimal("30.5")), .percent(ExactDecimal("12.345")), .empty])
            sink.number(3); sink.text("x"); sink.endRow()
        }
        write(&csv)
        write(&cells)
        var expected: [UInt8] = []
        Emit.encodeRows(rows, into: &expected)
        XCTAssertEqual(csv.bytes, expected)
        XCTAssertEqual(cells.rows, rows)
        XCTAssertTrue(csv.bytes.starts(with: Array("'=SUM(A1),\"株洲市,档案馆\",\"say \"\"yes\"\"\",\"a\r\nb\",'-3,,短,".utf8)))
        XCTAssertEqual(Array(csv.bytes.suffix(7)), Array("\r\n3,x\r\n".utf8))
    }

    /// A drained sink hands over exactly the rows written since the last drain, and its next
    /// row starts a row (no comma carried over).
    func testDrainedSinkStartsAfresh() {
        var csv = CSVTableSink(), drained: [[UInt8]] = []
        csv.text("first, long enough to need room"); csv.number(1); csv.endRow()
        csv.drain { drained.append(Array($0)) }
        XCTAssertEqual(csv.count, 0)
        csv.text("b"); csv.number(22); csv.endRow()
        csv.drain { drained.append(Array($0)) }
        csv.drain { drained.append(Array($0)) }
        XCTAssertEqual(drained, [Array("\"first, long enough to need room\",1\r\n".utf8), Array("b,22\r\n".utf8), []])
    }

    /// The comparative tables' sink hands a large table to its writer in parts: the file is
    /// the one written at once, in either encoding.
    func testWritingSinkGivesTheBytesOfOneWrite() throws {
        let columns = [Column("agency", "单位名称"), Column("count", "数")]
        for encoding in OutputEncoding.allCases {
            let parts = try Paths.temporaryDirectory("sink-parts"), whole = try Paths.temporaryDirectory("sink-whole")
            var sink = AggregateRun.WritingSink(try TableWriter(fileName: "t.csv", columns: columns, directory: parts, headers: .zh, encoding: encoding))
            var rows: [[CellValue]] = []
            for index in 0..<60_000 {
                let row: [CellValue] = [.text("株洲市档案馆,\(index)"), .number(index)]
                rows.append(row)
                sink.row(row)
            }
            try sink.finish()
            try Emit.write(OutputTable(fileName: "t.csv", columns: columns, rows: rows), to: whole, headers: .zh, encoding: encoding)
            let written = try Data(contentsOf: parts.appendingPathComponent("t.csv"))
            XCTAssertGreaterThan(written.count, 1 << 20)
            XCTAssertEqual(written, try Data(contentsOf: whole.appendingPathComponent("t.csv")), encoding.rawValue)
        }
    }

    /// A problem's categories as the aggregator reads them back from problems.csv.
    func testCategoriesAsReadFromTheWrittenCell() {
        for codes in [[], ["staffing"], ["budget_preparation", "staffing"], ["-x", "y"], ["a;b"], ["", "a"], ["株洲", "b"], ["a", "=b"]] {
            XCTAssertEqual(Tables.categoriesAsRead(codes), AggregateRun.categories(Emit.render(.text(codes.joined(separator: ";")))), "\(codes)")
        }
    }
}
