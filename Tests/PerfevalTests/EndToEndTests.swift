import XCTest
import Foundation

/// Runs the `perfeval` executable on data/samples and on bad inputs, as a user would.
final class EndToEndTests: XCTestCase {
    func testSamplesMatchTheExpectedRecordsTable() throws {
        let out = try Paths.temporaryDirectory()
        let result = try runPerfeval(["run", "data/samples", "--out", out.path, "--headers", "en", "--quiet"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let produced = try String(contentsOf: out.appendingPathComponent("records.csv"), encoding: .utf8)
        let expected = try String(contentsOf: Paths.fixtures.appendingPathComponent("expected/records_en.csv"), encoding: .utf8)
        XCTAssertEqual(produced, expected)
        XCTAssertEqual(try readTable(out.appendingPathComponent("rejects.csv")).count, 0)
    }

    /// Every filled cell of the hand-checked gold table equals the extracted value.
    func testSamplesAgreeWithTheGoldRecords() throws {
        let out = try Paths.temporaryDirectory()
        XCTAssertEqual(try runPerfeval(["run", "data/samples", "--out", out.path, "--headers", "en", "--quiet"]).status, 0)
        let records = try readTable(out.appendingPathComponent("records.csv"))
        let gold = try readTable(Paths.fixtures.appendingPathComponent("gold/seeds_records.csv"))
        XCTAssertEqual(records.count, gold.count)
        let numeric: Set<String> = ["budget_initial_wan", "budget_full_wan", "executed_wan", "execution_rate_pct", "score_total",
                                    "staff_authorized", "staff_actual", "basic_exp_wan", "personnel_exp_wan", "public_exp_wan",
                                    "project_exp_wan", "personnel_share_pct", "year"]
        var compared = 0
        for (row, (got, want)) in zip(records, gold).enumerated() {
            for (column, value) in want where !value.isEmpty && column != "notes" && column != "indicator_count" {
                compared += 1
                if numeric.contains(column) {
                    XCTAssertEqual(Decimal(string: got[column] ?? ""), Decimal(string: value), "row \(row + 1) \(column)")
                } else {
                    XCTAssertEqual(got[column], value, "row \(row + 1) \(column)")
                }
            }
            for column in ["budget_initial_wan", "score_total", "staff_authorized", "project"] where (want[column] ?? "").isEmpty {
                XCTAssertEqual(got[column], "", "row \(row + 1) \(column) must stay empty")
            }
        }
        XCTAssertGreaterThan(compared, 100)
    }

    func testJobCountDoesNotChangeAnyByte() throws {
        let one = try Paths.temporaryDirectory("one"), two = try Paths.temporaryDirectory("two")
        let inputs = ["data/samples", "Tests/Fixtures/encodings", "Tests/Fixtures/bad"]
        XCTAssertEqual(try runPerfeval(["run"] + inputs + ["--out", one.path, "--jobs", "1", "--quiet"]).status, 1)
        XCTAssertEqual(try runPerfeval(["run"] + inputs + ["--out", two.path, "--jobs", "2", "--quiet"]).status, 1)
        for table in ["records.csv", "rejects.csv", "warnings.csv"] {
            XCTAssertEqual(try Data(contentsOf: one.appendingPathComponent(table)), try Data(contentsOf: two.appendingPathComponent(table)), table)
        }
    }

    func testReEncodedSeedsGiveTheSameRecordAndBadFilesAreRejected() throws {
        let out = try Paths.temporaryDirectory()
        let result = try runPerfeval(["run", "data/samples/000_d5715af45698640f.txt", "Tests/Fixtures/encodings", "Tests/Fixtures/bad",
                                      "--out", out.path, "--headers", "en", "--quiet"])
        XCTAssertEqual(result.status, 1, "some files were rejected")
        let records = try readTable(out.appendingPathComponent("records.csv"))
        let original = try XCTUnwrap(records.first { $0["file"] == "000_d5715af45698640f.txt" })
        for name in ["000_gb18030.txt", "000_utf16le.txt", "000_utf8bom.txt"] {
            var copy = try XCTUnwrap(records.first { $0["file"] == name }, name)
            copy["file"] = original["file"]
            XCTAssertEqual(copy, original, name)
        }
        let truncated = try XCTUnwrap(records.first { $0["file"] == "000_gb18030_truncated.txt" })
        XCTAssertEqual(truncated["budget_full_wan"], "258.31")
        XCTAssertEqual(truncated["flags"], "truncated")
        let rejects = try readTable(out.appendingPathComponent("rejects.csv"))
        XCTAssertEqual(rejects.map { $0["file"]! }, ["binary.txt", "empty.txt", "no_report.txt"])
        XCTAssertEqual(rejects.map { $0["reason"]! }.map { $0.components(separatedBy: " ").first! }, ["binary", "empty", "no"])
        let warnings = try readTable(out.appendingPathComponent("warnings.csv"))
        XCTAssertTrue(warnings.contains { $0["file"] == "000_gb18030_truncated.txt" && $0["warning"]!.hasPrefix("truncated") })
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json"))) as! [String: Any]
        XCTAssertEqual(manifest["files"] as? Int, 8)
        XCTAssertEqual(manifest["files_rejected"] as? Int, 3)
    }

    func testPathsOnStandardInputAndChineseHeadersByDefault() throws {
        let out = try Paths.temporaryDirectory()
        let result = try runPerfeval(["run", "-", "--out", out.path, "--quiet"], stdin: "data/samples/004_cfc01eff33787f42.txt\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        let records = try readTable(out.appendingPathComponent("records.csv"))
        XCTAssertEqual(records.count, 1)
        XCTAssertEqual(records[0]["单位名称"], "常宁市档案馆")
        XCTAssertEqual(records[0]["人员经费占比（%）"], "99.94")
    }

    func testUsageErrorsExitWithTwoAndNameTheArgument() throws {
        let missing = try runPerfeval(["run", "no/such/folder", "--out", NSTemporaryDirectory()])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("no/such/folder"), missing.stderr)
        let badOption = try runPerfeval(["run", "data/samples", "--headers", "fr"])
        XCTAssertEqual(badOption.status, 2)
        XCTAssertTrue(badOption.stderr.contains("--headers"), badOption.stderr)
        let badJobs = try runPerfeval(["run", "data/samples", "--jobs", "0"])
        XCTAssertEqual(badJobs.status, 2)
        XCTAssertTrue(badJobs.stderr.contains("--jobs"), badJobs.stderr)
    }
}
