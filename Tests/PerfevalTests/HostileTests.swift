import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Issue 11: no input can crash, hang, exhaust memory or silently lose data. Each case is
/// built small at test time (scripts/hostile_cases.py; a bomb is a few KB of deflate) and
/// run through the CLI beside a good report: the good record comes out, the bad file is in
/// rejects.csv with its reason, and nothing crashes or hangs (every run has a time limit).
final class HostileInputTests: XCTestCase {
    static let goodAgency = "株洲市渌口区档案馆"

    /// A folder holding the good report (sample 000) as good.txt.
    func folderWithGoodReport() throws -> URL {
        let folder = try Paths.temporaryDirectory()
        try FileManager.default.copyItem(at: Paths.samples.appendingPathComponent("000_d5715af45698640f.txt"),
                                         to: folder.appendingPathComponent("good.txt"))
        return folder
    }

    /// Runs perfeval over `input` into a fresh output folder (English headers).
    func runOver(_ input: URL, _ extra: [String] = [], environment: [String: String]? = nil, seconds: Double = 60,
                 file: StaticString = #filePath, line: UInt = #line) throws -> (result: CommandResult, out: URL) {
        let out = input.deletingLastPathComponent().appendingPathComponent(input.lastPathComponent + "-out")
        let result = try runLimited(["run", input.path, "--out", out.path, "--headers", "en", "--quiet"] + extra,
                                    environment: environment, seconds: seconds, file: file, line: line)
        XCTAssertLessThan(result.status, 2, "perfeval failed: \(result.stderr)", file: file, line: line)
        return (result, out)
    }

    func rejects(_ out: URL) throws -> [String: String] {
        Dictionary(try readTable(out.appendingPathComponent("rejects.csv")).map { ($0["file"]!, $0["reason"]!) }, uniquingKeysWith: { a, _ in a })
    }

    func assertGoodRecord(_ out: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let records = try readTable(out.appendingPathComponent("records.csv"))
        XCTAssertEqual(records.first { $0["file"] == "good.txt" }?["agency"], Self.goodAgency, file: file, line: line)
    }

    // MARK: crashes

    func testDamagedArchivesAndBombsAreRejectedWithTheirReason() throws {
        let folder = try folderWithGoodReport()
        for (name, kind, size) in [("offset.docx", "offset", 0), ("bomb.docx", "docx-bomb", 80), ("bomb.xlsx", "xlsx-bomb", 80),
                                   ("truncated.docx", "truncated-docx", 0), ("sheets.xlsx", "xlsx-sheets", 1500),
                                   ("large.docx", "large-docx", 10)] {
            try buildCase(kind, folder.appendingPathComponent(name), size: size)
        }
        let (result, out) = try runOver(folder)
        XCTAssertEqual(result.status, 1)
        try assertGoodRecord(out)
        let reasons = try rejects(out)
        XCTAssertEqual(reasons["offset.docx"], "corrupt .docx (damaged ZIP archive): word/document.xml: local header offset 45233 is outside the file or damaged")
        XCTAssertEqual(reasons["bomb.docx"], "ZIP part word/document.xml inflates more than 200 times its compressed size (a ZIP bomb?)")
        XCTAssertEqual(reasons["bomb.xlsx"], "ZIP part xl/worksheets/sheet1.xml inflates more than 200 times its compressed size (a ZIP bomb?)")
        XCTAssertEqual(reasons["truncated.docx"], "corrupt .docx: word/document.xml ends before the document does (truncated)")
        XCTAssertEqual(reasons["sheets.xlsx"], "workbook with 1500 worksheets (limit 1000)")
        // A real report padded to a 10 MB document.xml is read, not refused.
        XCTAssertNil(reasons["large.docx"])
        let records = try readTable(out.appendingPathComponent("records.csv"))
        XCTAssertEqual(records.first { $0["file"] == "large.docx" }?["agency"], Self.goodAgency)
    }

    func testBombUnderTheRatioStillStopsAtTheInflatedSizeAndParagraphCount() throws {
        let folder = try folderWithGoodReport()
        try buildCase("docx-bomb", folder.appendingPathComponent("bomb.docx"), size: 80)
        try buildCase("paragraphs", folder.appendingPathComponent("paragraphs.docx"), size: 1)
        let (_, out) = try runOver(folder, ["--max-inflation-ratio", "100000", "--max-inflated-size", "48M"])
        try assertGoodRecord(out)
        let reasons = try rejects(out)
        XCTAssertEqual(reasons["bomb.docx"], "ZIP part word/document.xml inflates past 48 MB (a ZIP bomb? limit --max-inflated-size)")
        XCTAssertEqual(reasons["paragraphs.docx"], "more than 500000 paragraphs and table cells: not a report (limit --max-elements)")
    }

    func testCellReferencesOutsideExcelsGridDoNotAllocate() throws {
        let folder = try folderWithGoodReport()
        try buildCase("xlsx-columns", folder.appendingPathComponent("columns.xlsx"))
        let started = Date()
        let (_, out) = try runOver(folder, seconds: 30)
        XCTAssertLessThan(Date().timeIntervalSince(started), 20)
        try assertGoodRecord(out)
        // XFDXFDXFDXFDXFD1, AAAAAAAA1 and AAAAAA1 are beyond column XFD: ignored; A1 is read.
        let records = try readTable(out.appendingPathComponent("records.csv")).filter { $0["file"] == "columns.xlsx" }
        XCTAssertEqual(records.count, 1)
        let warnings = try readTable(out.appendingPathComponent("warnings.csv")).filter { $0["file"] == "columns.xlsx" }.map { $0["warning"]! }
        XCTAssertTrue(warnings.contains("3 cells with a reference outside Excel's grid (A1…XFD1048576) skipped"), "\(warnings)")
    }

    func testAmountsNearTheIntegerLimitAreDroppedWithAWarning() throws {
        let folder = try folderWithGoodReport()
        let sample = try String(contentsOf: Paths.samples.appendingPathComponent("004_cfc01eff33787f42.txt"), encoding: .utf8)
        let regex = try NSRegularExpression(pattern: "[0-9]+(\\.[0-9]+)?万元")
        let huge = regex.stringByReplacingMatches(in: sample, range: NSRange(sample.startIndex..., in: sample), withTemplate: "92233720367亿元")
        try huge.write(to: folder.appendingPathComponent("huge.txt"), atomically: true, encoding: .utf8)
        let (_, out) = try runOver(folder)
        try assertGoodRecord(out)
        let record = try XCTUnwrap(readTable(out.appendingPathComponent("records.csv")).first { $0["file"] == "huge.txt" })
        XCTAssertEqual(record["basic_exp_wan"], "")
        XCTAssertTrue(record["flags"]!.contains("value_out_of_range: basic_exp"), record["flags"]!)
        let warnings = try readTable(out.appendingPathComponent("warnings.csv")).filter { $0["file"] == "huge.txt" }.map { $0["warning"]! }
        XCTAssertTrue(warnings.contains("value_out_of_range: basic_exp"), "\(warnings)")
    }

    // MARK: hangs

    /// A stand-in pdftotext: floods stderr with 300 KB for one file, sleeps for the other.
    func fakeConverter() throws -> [String: String] {
        let bin = try Paths.temporaryDirectory("fakebin")
        let script = """
        #!/bin/sh
        if grep -q flood "$4"; then head -c 300000 /dev/zero | tr '\\0' w >&2; exit 0; fi
        sleep 100
        """
        let url = bin.appendingPathComponent("pdftotext")
        try script.write(to: url, atomically: true, encoding: .utf8)
        chmod(url.path, 0o755)
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = bin.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["TMPDIR"] = try Paths.temporaryDirectory("tmpdir").path
        return environment
    }

    func testConvertersAreDrainedAndStoppedAtTheirTimeLimit() throws {
        let folder = try folderWithGoodReport()
        try Data("%PDF-1.4\nflood\n".utf8).write(to: folder.appendingPathComponent("flood.pdf"))
        try Data("%PDF-1.4\nslow\n".utf8).write(to: folder.appendingPathComponent("slow.pdf"))
        let environment = try fakeConverter()
        // What a run killed with -9 left behind (no process 999999): removed by this run.
        try FileManager.default.createDirectory(atPath: environment["TMPDIR"]! + "/perfeval-999999-" + UUID().uuidString, withIntermediateDirectories: true)
        let started = Date()
        let (_, out) = try runOver(folder, ["--converter-timeout", "2"], environment: environment, seconds: 30)
        XCTAssertLessThan(Date().timeIntervalSince(started), 20)
        try assertGoodRecord(out)
        let reasons = try rejects(out)
        XCTAssertEqual(reasons["slow.pdf"], "pdftotext did not finish within 2 s and was stopped (limit --converter-timeout)")
        XCTAssertEqual(reasons["flood.pdf"], "PDF without a text layer (a scanned image?): run OCR first")
        // The converter's process group is gone, its temporary copy and the stale one removed.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: environment["TMPDIR"]!), [])
        let sleeping = try runShell("pgrep -f '[s]leep 100' | wc -l")
        XCTAssertEqual(sleeping.trimmingCharacters(in: .whitespacesAndNewlines), "0")
    }

    /// SIGTERM during a conversion: the converter killed, staging and temporary copies
    /// removed, exit 143, and the earlier output as it was.
    func testATerminatedRunCleansUpAndLeavesTheEarlierOutput() throws {
        let folder = try folderWithGoodReport()
        let (_, out) = try runOver(folder)
        let before = try Data(contentsOf: out.appendingPathComponent("records.csv"))
        try Data("%PDF-1.4\nslow\n".utf8).write(to: folder.appendingPathComponent("slow.pdf"))
        let environment = try fakeConverter()
        let process = Process()
        process.executableURL = Paths.executable
        process.arguments = ["run", folder.path, "--out", out.path, "--headers", "en", "--quiet"]
        process.environment = environment
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(1_500_000)
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        XCTAssertFalse(process.isRunning)
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 143)
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("records.csv")), before)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: environment["TMPDIR"]!), [])
        let staging = try FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path)
            .filter { $0.hasPrefix("." + out.lastPathComponent + ".staging-") }
        XCTAssertEqual(staging, [])
        XCTAssertEqual(try runShell("pgrep -f '[s]leep 100' | wc -l").trimmingCharacters(in: .whitespacesAndNewlines), "0")
    }

    // MARK: memory

    func testSizeAndTextLimitsRejectBeforeReading() throws {
        let folder = try folderWithGoodReport()
        // A sparse 100 MB file: refused on its size, never read.
        let sparse = folder.appendingPathComponent("sparse.txt")
        FileManager.default.createFile(atPath: sparse.path, contents: nil)
        try FileHandle(forWritingTo: sparse).truncate(atOffset: 100 << 20)
        try buildCase("tab-lines", folder.appendingPathComponent("tabs.txt"), size: 2)
        let (_, out) = try runOver(folder, ["--max-input-size", "64M", "--max-text-size", "1M"])
        try assertGoodRecord(out)
        let reasons = try rejects(out)
        XCTAssertEqual(reasons["sparse.txt"], "file too large: 100 MB (limit 64 MB, --max-input-size)")
        XCTAssertEqual(reasons["tabs.txt"], "text larger than 1 MB: not a report (limit --max-text-size)")
        let (_, lines) = try runOver(folder, ["--max-elements", "100000"])
        XCTAssertEqual(try rejects(lines)["tabs.txt"], "more than 100000 lines: not a report (limit --max-elements)")
    }

    // MARK: silent loss

    func testSkippedPathsAreListedAndNamesStayUnique() throws {
        let folder = try folderWithGoodReport()
        let fm = FileManager.default
        // Two input folders each holding x.txt: the names in the outputs must differ.
        let a = try Paths.temporaryDirectory("a"), b = try Paths.temporaryDirectory("b")
        try fm.copyItem(at: Paths.samples.appendingPathComponent("000_d5715af45698640f.txt"), to: a.appendingPathComponent("x.txt"))
        try fm.copyItem(at: Paths.samples.appendingPathComponent("004_cfc01eff33787f42.txt"), to: b.appendingPathComponent("x.txt"))
        fm.createFile(atPath: folder.appendingPathComponent(".hidden").path, contents: Data("x".utf8))
        try fm.createSymbolicLink(atPath: folder.appendingPathComponent("loop").path, withDestinationPath: folder.path)
        try fm.createSymbolicLink(atPath: folder.appendingPathComponent("broken").path, withDestinationPath: "/nonexistent")
        // 报告.txt in GBK, as Windows ZIPs of Chinese offices name files.
        let gbkName: [UInt8] = Array(folder.path.utf8) + Array("/".utf8) + [0xB1, 0xA8, 0xB8, 0xE6] + Array(".txt".utf8)
        let sample = try Data(contentsOf: Paths.samples.appendingPathComponent("001_f9e81e34f845ffee.txt"))
        let descriptor = open(gbkName.map { CChar(bitPattern: $0) } + [0], O_CREAT | O_WRONLY, 0o644)
        _ = sample.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        // A NUL byte after the first 64 KiB (the binary check samples the start).
        var padded = try Data(contentsOf: Paths.samples.appendingPathComponent("002_3edb2555d327944b.txt"))
        padded += Data(repeating: 0x20, count: 70_000) + Data([0]) + Data("尾\n".utf8)
        try padded.write(to: folder.appendingPathComponent("nul.txt"))

        // The output folder inside the input folder, run twice: never read as input.
        let out = folder.appendingPathComponent("out")
        for _ in 0..<2 {
            let result = try runLimited(["run", folder.path, a.path, b.path, "--out", out.path, "--headers", "en", "--quiet"], seconds: 60)
            XCTAssertEqual(result.status, 1, result.stderr)
        }
        let records = try readTable(out.appendingPathComponent("records.csv"))
        let ax = a.path + "/x.txt", bx = b.path + "/x.txt"
        XCTAssertEqual(Set(records.map { $0["file"]! }), ["good.txt", "报告.txt", "nul.txt", ax, bx])
        XCTAssertEqual(records.first { $0["file"] == bx }?["agency"], "常宁市档案馆")
        // Audit findings stay with their own report: seed 000's three are under a/x.txt only.
        let findings = try readTable(out.appendingPathComponent("audits.csv")).filter { $0["status"] == "finding" }
        XCTAssertEqual(findings.filter { $0["file"] == ax }.count, 3)
        XCTAssertEqual(records.first { $0["file"] == ax }?["audit_findings"], "3")
        XCTAssertEqual(records.first { $0["file"] == bx }?["audit_findings"], records.first { $0["file"] == bx }.map { _ in
            String(findings.filter { $0["file"] == bx }.count) })
        let reasons = try rejects(out)
        XCTAssertEqual(reasons[".hidden"], "hidden file (name starts with '.'): skipped")
        XCTAssertEqual(reasons["loop/"], "symbolic link to a folder: not followed (it may loop); give the folder itself")
        XCTAssertEqual(reasons["broken"], "broken symbolic link: skipped")
        XCTAssertEqual(reasons.count, 3, "\(reasons)")
        for name in try fm.contentsOfDirectory(atPath: out.path) where !name.hasSuffix(".xlsx") {   // text outputs only
            XCTAssertFalse(try Data(contentsOf: out.appendingPathComponent(name)).contains(0), name)
        }
    }

    func testNoInputFilesIsAnErrorThatLeavesTheOutputAlone() throws {
        let folder = try folderWithGoodReport()
        let (_, out) = try runOver(folder)
        let before = try Data(contentsOf: out.appendingPathComponent("records.csv"))
        let empty = try Paths.temporaryDirectory("empty")
        let result = try runLimited(["run", empty.path, "--out", out.path, "--quiet"], seconds: 30)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("no input files found in \(empty.path)"), result.stderr)
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("records.csv")), before)
    }

    func testASecondRunIntoTheSameOutputIsRefused() throws {
        let folder = try folderWithGoodReport()
        let out = folder.deletingLastPathComponent().appendingPathComponent(folder.lastPathComponent + "-locked")
        let lock = open(out.deletingLastPathComponent().appendingPathComponent("." + out.lastPathComponent + ".lock").path, O_CREAT | O_RDWR, 0o644)
        XCTAssertEqual(flock(lock, LOCK_EX), 0)
        defer { close(lock) }
        let result = try runLimited(["run", folder.path, "--out", out.path, "--quiet"], seconds: 30)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("another perfeval run is writing to \(out.path)"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }

    /// kill -9 at random moments of a run over an earlier complete output: the folder holds
    /// the old set or the new set, each table agreeing with its manifest.json.
    func testAKilledRunLeavesTheOldSetOrTheNewSet() throws {
        let old = try folderWithGoodReport()
        let new = try Paths.temporaryDirectory("newset")
        for name in try FileManager.default.contentsOfDirectory(atPath: Paths.samples.path) {
            try FileManager.default.copyItem(at: Paths.samples.appendingPathComponent(name), to: new.appendingPathComponent(name))
        }
        for name in try FileManager.default.contentsOfDirectory(atPath: Paths.fixtures.appendingPathComponent("docx").path) {
            try FileManager.default.copyItem(at: Paths.fixtures.appendingPathComponent("docx/\(name)"), to: new.appendingPathComponent(name))
        }
        let out = try Paths.temporaryDirectory("killed").appendingPathComponent("out")
        // A full run over the larger set first: its duration sets the range of kill moments.
        let started = Date()
        XCTAssertEqual(try runLimited(["run", new.path, "--out", out.path, "--headers", "en", "--quiet", "--jobs", "1"], seconds: 60).status, 0)
        let duration = Date().timeIntervalSince(started)
        var generator = SystemRandomNumberGenerator()
        var current = 16, keptOld = 0, gotNew = 0
        // Each run switches the set (1 record ↔ 16), killed at a random moment of up to 1.5 times
        // a run's length: the folder must then hold the set before the run or the run's set.
        for trial in 0..<16 {
            let (input, target) = trial % 2 == 0 ? (old, 1) : (new, 16)
            let process = Process()
            process.executableURL = Paths.executable
            process.arguments = ["run", input.path, "--out", out.path, "--headers", "en", "--quiet", "--jobs", "1"]
            process.currentDirectoryURL = Paths.packageRoot
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32(Double.random(in: 0...(1.5 * duration), using: &generator) * 1_000_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let found = try consistentRecordCount(out)
            XCTAssertTrue(found == current || found == target, "trial \(trial): \(found) records, expected \(current) or \(target)")
            if found == current && current != target { keptOld += 1 } else if found == target { gotNew += 1 }
            current = found
        }
        print("kill -9 at random moments: \(keptOld) runs left the old set, \(gotNew) the new one")
        XCTAssertGreaterThan(keptOld, 0)
        XCTAssertGreaterThan(gotNew, 0)
        // The next run cleans what the killed ones left and finishes.
        XCTAssertEqual(try runLimited(["run", new.path, "--out", out.path, "--headers", "en", "--quiet"], seconds: 60).status, 0)
        XCTAssertEqual(try consistentRecordCount(out), 16)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path).filter { $0.contains(".staging-") || $0.contains(".old-") }
        XCTAssertEqual(leftovers, [])
    }

    /// The records in records.csv, checked against manifest.json and the other tables.
    func consistentRecordCount(_ out: URL) throws -> Int {
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json"))) as! [String: Any]
        let records = try readTable(out.appendingPathComponent("records.csv"))
        XCTAssertEqual(records.count, manifest["records"] as? Int)
        let quality = try readTable(out.appendingPathComponent("quality.csv"))
        XCTAssertEqual(quality.count + (manifest["files_rejected"] as! Int), manifest["files"] as? Int)
        for name in manifest["outputs"] as! [String] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), name)
        }
        return records.count
    }

    // MARK: aggregate

    func testAggregateSurvivesHugeValuesManyChecksAndBadTables() throws {
        let folder = try Paths.temporaryDirectory("aggregate")
        let header = "\u{FEFF}file,kind,project,agency,province,prefecture,county,region_code,year,budget_full_wan,executed_wan,execution_rate_pct,score_total,grade,staff_actual,basic_exp_wan,project_exp_wan,personnel_share_pct,audit_findings\r\n"
        // 2,000 rows of 9,000,000,000 万元: each plausible, their sum past a 64-bit count of millionths.
        var rows = (0..<2000).map { "f\($0).txt,dept,,A,湖南省,岳阳市,县1,430601,2023,9000000000,9000000000,100,95,优,5,1,1,50,0\r\n" }.joined()
        rows += "g.txt,dept,,B,湖南省,岳阳市,县1,430601,-9223372036854775808,1,1,1,1,优,1,1,1,1,0\r\n"
        try (header + rows).write(to: folder.appendingPathComponent("records.csv"), atomically: true, encoding: .utf8)
        try "\u{FEFF}file,categories\r\n".write(to: folder.appendingPathComponent("problems.csv"), atomically: true, encoding: .utf8)
        let audits = (0..<70_000).map { "f1.txt,,check\($0),finding\r\n" }.joined()
        try ("\u{FEFF}file,project,check,status\r\n" + audits).write(to: folder.appendingPathComponent("audits.csv"), atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("tables")
        let result = try runLimited(["aggregate", folder.path, "--out", out.path, "--headers", "en"], seconds: 60)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("column year: '-9223372036854775808' is not a number in 1900…2200: read as empty"), result.stderr)
        let execution = try readTable(out.appendingPathComponent("compare_execution.csv"))
        let county2023 = try XCTUnwrap(execution.first { $0["level"] == "county" && $0["year"] == "2023" })
        XCTAssertEqual(county2023["records"], "2000")
        XCTAssertEqual(county2023["rate_mean_pct"], "100.00")
        XCTAssertEqual(county2023["rate_weighted_pct"], "")   // the sums do not fit: left empty, not wrapped
        let summary = try readTable(out.appendingPathComponent("audit_summary.csv"))
        XCTAssertEqual(Set(summary.map { $0["check"]! }).count, 10_000)

        try FileManager.default.createDirectory(at: folder.appendingPathComponent("dir/records.csv"), withIntermediateDirectories: true)
        let directory = try runLimited(["aggregate", folder.appendingPathComponent("dir").path, "--out", out.path], seconds: 30)
        XCTAssertEqual(directory.status, 2)
        XCTAssertTrue(directory.stderr.contains("records.csv' is a folder, not a table"), directory.stderr)
        let renamed = folder.appendingPathComponent("renamed")
        try FileManager.default.createDirectory(at: renamed, withIntermediateDirectories: true)
        try "\u{FEFF}file,kind,agency,region_code,fiscal_year\r\nx,dept,A,430601,2023\r\n".write(to: renamed.appendingPathComponent("records.csv"), atomically: true, encoding: .utf8)
        let missing = try runLimited(["aggregate", renamed.path, "--out", out.path], seconds: 30)
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("records.csv: no column year (年度) in the header line"), missing.stderr)
    }

    // MARK: messages

    func testMessagesNameTheProblem() throws {
        let jobs = try runLimited(["run", "data/samples", "--jobs", "-1"], seconds: 30)
        XCTAssertEqual(jobs.status, 2)
        XCTAssertTrue(jobs.stderr.contains("--jobs must be a whole number of at least 1 (got '-1')"), jobs.stderr)
        let folder = try folderWithGoodReport()
        let file = folder.appendingPathComponent("good.txt")
        let outIsFile = try runLimited(["run", folder.path, "--out", file.path], seconds: 30)
        XCTAssertEqual(outIsFile.status, 2)
        XCTAssertTrue(outIsFile.stderr.contains("--out \(file.path) is a file, not a folder"), outIsFile.stderr)
        let size = try runLimited(["run", folder.path, "--max-input-size", "lots"], seconds: 30)
        XCTAssertTrue(size.stderr.contains("--max-input-size must be a size like 64M"), size.stderr)
        // A workbook's damage is reported as a workbook's.
        let bad = folder.appendingPathComponent("bad.xlsx")
        try buildCase("xlsx-columns", bad)
        let broken = try runShell("cd \(folder.path) && python3 -c \"import zipfile; z=zipfile.ZipFile('broken.xlsx','w'); z.writestr('xl/workbook.xml','<workbook/>'); z.writestr('xl/worksheets/sheet1.xml','<worksheet><sheetData><row')\" && echo ok")
        XCTAssertEqual(broken.trimmingCharacters(in: .whitespacesAndNewlines), "ok")
        let (_, out) = try runOver(folder)
        let reason = try XCTUnwrap(try rejects(out)["broken.xlsx"])
        // XMLParser accepts a worksheet cut short; the unclosed root tells it.
        XCTAssertEqual(reason, "corrupt .xlsx: xl/worksheets/sheet1.xml ends before the worksheet does (truncated)")
    }
}

// MARK: helpers

/// Builds one case of scripts/hostile_cases.py.
func buildCase(_ kind: String, _ url: URL, size: Int = 0) throws {
    let output = try runShell("python3 '\(Paths.packageRoot.path)/scripts/hostile_cases.py' \(kind) '\(url.path)' \(size) && echo built")
    XCTAssertTrue(output.hasSuffix("built\n"), output)
}

func runShell(_ command: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

/// Runs the CLI with a time limit: past it the run is killed and the test fails (a hang).
func runLimited(_ arguments: [String], environment: [String: String]? = nil, seconds: Double,
                file: StaticString = #filePath, line: UInt = #line) throws -> CommandResult {
    let process = Process()
    process.executableURL = Paths.executable
    process.arguments = arguments
    if let environment { process.environment = environment }
    process.currentDirectoryURL = Paths.packageRoot
    let folder = try Paths.temporaryDirectory("cli")
    let outURL = folder.appendingPathComponent("stdout"), errURL = folder.appendingPathComponent("stderr")
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: outURL)
    process.standardError = try FileHandle(forWritingTo: errURL)
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let deadline = Date().addingTimeInterval(seconds)
    while process.isRunning && Date() < deadline { usleep(20_000) }
    if process.isRunning {
        kill(process.processIdentifier, SIGKILL)
        XCTFail("perfeval \(arguments.joined(separator: " ")) did not finish within \(seconds) s", file: file, line: line)
    }
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus, stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                         stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
}
