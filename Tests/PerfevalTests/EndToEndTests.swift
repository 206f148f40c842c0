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

    /// Past 1,024 files a run has several batches, and with --jobs 2 each batch is written
    /// while the next one is read: every table must still be the --jobs 1 bytes.
    func testBatchesWrittenWhileTheNextIsReadGiveTheSameBytes() throws {
        let input = try Paths.temporaryDirectory("many")
        let sources = try FileManager.default.contentsOfDirectory(atPath: "Tests/Fixtures/corpus").sorted()
        for copy in 0..<1_100 {   // two batches; every 500th file empty (a row of rejects.csv)
            let name = String(format: "%04d_", copy) + sources[copy % sources.count]
            let bytes = copy % 500 == 7 ? Data() : try Data(contentsOf: URL(fileURLWithPath: "Tests/Fixtures/corpus/" + sources[copy % sources.count]))
            try bytes.write(to: input.appendingPathComponent(name))
        }
        let one = try Paths.temporaryDirectory("one"), two = try Paths.temporaryDirectory("two")
        XCTAssertEqual(try runPerfeval(["run", input.path, "--out", one.path, "--jobs", "1", "--quiet", "--no-xlsx", "--no-html"]).status, 1)
        XCTAssertEqual(try runPerfeval(["run", input.path, "--out", two.path, "--jobs", "2", "--quiet", "--no-xlsx", "--no-html"]).status, 1)
        let tables = try FileManager.default.contentsOfDirectory(atPath: one.path).filter { $0.hasSuffix(".csv") }.sorted()
        XCTAssertGreaterThanOrEqual(tables.count, 15)
        for table in tables {
            XCTAssertEqual(try Data(contentsOf: one.appendingPathComponent(table)), try Data(contentsOf: two.appendingPathComponent(table)), table)
        }
        XCTAssertEqual(try readTable(one.appendingPathComponent("rejects.csv")).count, 3)
        XCTAssertEqual(try readTable(one.appendingPathComponent("records.csv")).count, 1_100 - 3)
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

/// Issue 3 on the seed reports: indicator rows, their sums, and the audit table.
final class IndicatorAuditEndToEndTests: XCTestCase {
    static var output: URL = {
        let out = try! Paths.temporaryDirectory("audits")
        _ = try! runPerfeval(["run", "data/samples", "--out", out.path, "--headers", "en", "--quiet"])
        return out
    }()

    func table(_ name: String) throws -> [[String: String]] { try readTable(Self.output.appendingPathComponent(name)) }

    func testOutputsMatchTheExpectedTables() throws {
        for name in ["indicators", "expenditure_items", "audits", "problems", "measures", "review_unclassified", "quality"] {
            let produced = try String(contentsOf: Self.output.appendingPathComponent("\(name).csv"), encoding: .utf8)
            let expected = try String(contentsOf: Paths.fixtures.appendingPathComponent("expected/\(name)_en.csv"), encoding: .utf8)
            XCTAssertEqual(produced, expected, name)
        }
    }

    func testIndicatorCountsAndScoreSums() throws {
        let records = try table("records.csv")
        let gold = try readTable(Paths.fixtures.appendingPathComponent("gold/seeds_records.csv"))
        XCTAssertEqual(records.map { $0["indicator_count"]! }, gold.map { $0["indicator_count"]! })
        let indicators = try table("indicators.csv")
        func scoreSum(_ file: String, _ project: String) -> Decimal {
            indicators.filter { $0["file"] == file && $0["project"] == project }.reduce(0) { $0 + Decimal(string: $1["score"]!)! }
        }
        // Seed 003 scores its budget-execution row (10) inside the 100; seed 000 outside.
        XCTAssertEqual(scoreSum("003_9b3ab8e5931ca96a.txt", "档案事业费") + 10, Decimal(string: "98.5"))
        XCTAssertEqual(scoreSum("003_9b3ab8e5931ca96a.txt", "访惠聚为民办实事") + 10, Decimal(string: "97.8"))
        XCTAssertEqual(scoreSum("003_9b3ab8e5931ca96a.txt", "档案信息化建设") + 10, Decimal(string: "98.5"))
        XCTAssertEqual(scoreSum("000_d5715af45698640f.txt", ""), 97)
        XCTAssertEqual(records.map { $0["score_sum_convention"]! }, ["outside", "none", "none", "none", "inside", "inside", "inside", "none"])
    }

    func testSumsAndSharesAddUpAndSeed000HasItsThreeFindings() throws {
        let audits = try table("audits.csv")
        let sumChecks: Set<String> = ["parts_sum", "share_stated", "basic_split_sum", "indicator_score_sum", "weights_sum", "execution_rate_stated"]
        XCTAssertEqual(audits.filter { sumChecks.contains($0["check"]!) && $0["status"] == "finding" }.map { $0["detail"]! }, [])
        XCTAssertEqual(audits.filter { $0["check"] == "share_stated" && $0["status"] == "ok" }.count, 5)
        XCTAssertEqual(audits.filter { $0["check"] == "parts_sum" && $0["status"] == "ok" }.count, 7)
        let seed000 = audits.filter { $0["file"] == "000_d5715af45698640f.txt" && $0["status"] == "finding" }
        XCTAssertEqual(seed000.map { $0["check"]! }, ["full_score_cost_overrun", "score_without_measurable_target", "under_scored_target_met"])
        XCTAssertTrue(seed000[0]["detail"]!.contains("经费投入") && seed000[0]["detail"]!.contains("258.31万元") && seed000[0]["detail"]!.contains("214.86万元"))
        XCTAssertTrue(seed000[1]["detail"]!.hasPrefix("经济效益指标") && seed000[1]["detail"]!.contains("scored 8"))
        XCTAssertTrue(seed000[2]["detail"]!.contains("满意率99%") && seed000[2]["detail"]!.contains("9 of 10"))
        let records = try table("records.csv")
        XCTAssertEqual(records[0]["audit_findings"], "3")
    }
}
