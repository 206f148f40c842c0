import XCTest
import Foundation
import Store
#if canImport(Glibc)
import Glibc
#endif

/// `perfeval update`: the store of the year's collection, run as cron would run it.
final class StoreTests: XCTestCase {
    static let corpus = Paths.fixtures.appendingPathComponent("corpus")
    let base = Date(timeIntervalSince1970: 1_750_000_000)

    /// Copies d01 (株洲市渌口区档案馆, 2021, budget 100, executed 90) into `inbox` as `name`,
    /// its executed amount and stated rate changed to `executed`, dated `date`.
    func dropReport(_ name: String, executed: String, date: Date, into inbox: URL) throws {
        var lines = try String(contentsOf: Self.corpus.appendingPathComponent("d01.txt"), encoding: .utf8)
            .components(separatedBy: "\n")
        XCTAssertEqual(lines[23], "\t90")
        XCTAssertEqual(lines[25], "\t90%")
        lines[23] = "\t\(executed)"
        lines[25] = "\t\(executed)%"
        let url = inbox.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: url.path)
    }

    func update(_ inbox: URL, _ folder: URL, _ extra: [String] = []) throws -> CommandResult {
        try runPerfeval(["update", inbox.path, "--store", folder.appendingPathComponent("store.sqlite").path,
                         "--out", folder.appendingPathComponent("out").path, "--headers", "en", "--quiet"] + extra)
    }

    /// Every output table of a folder, by name.
    func tables(_ folder: URL) throws -> [String: Data] {
        let out = folder.appendingPathComponent("out")
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".csv") }
        return Dictionary(uniqueKeysWithValues: try names.map { ($0, try Data(contentsOf: out.appendingPathComponent($0))) })
    }

    /// "… N read …" of the summary line.
    func readCount(_ result: CommandResult) -> Int? {
        guard let range = result.stderr.range(of: #"[0-9]+ read"#, options: .regularExpression) else { return nil }
        return Int(result.stderr[range].split(separator: " ")[0])
    }

    func testCorrectedReportSupersedesTheFirstAndCopiesChangeNothing() throws {
        let folder = try Paths.temporaryDirectory(), inbox = folder.appendingPathComponent("inbox")
        try dropReport("d01.txt", executed: "90", date: base, into: inbox)
        XCTAssertEqual(try update(inbox, folder).status, 0)

        try dropReport("d01-corrected.txt", executed: "95", date: base.addingTimeInterval(86_400), into: inbox)
        // A draft dated before the first file arrives late: it is kept, superseded.
        try dropReport("drafts/d01-draft.txt", executed: "80", date: base.addingTimeInterval(-86_400), into: inbox)
        let second = try update(inbox, folder)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(readCount(second), 2)

        let out = folder.appendingPathComponent("out")
        let records = try readTable(out.appendingPathComponent("records.csv"))
        XCTAssertEqual(records.map { [$0["file"], $0["executed_wan"], $0["execution_rate_pct"]] }, [["d01-corrected.txt", "95.00", "95.00"]])
        let all2021 = try readTable(out.appendingPathComponent("compare_execution.csv"))
            .filter { $0["level"] == "all" && $0["year"] == "2021" && $0["kind"] == "dept" }
        XCTAssertEqual(all2021.map { [$0["records"], $0["agencies"], $0["rate_mean_pct"]] }, [["1", "1", "95.00"]])

        let store = try Database(path: folder.appendingPathComponent("store.sqlite").path)
        let history = try store.rows("SELECT file, status, sha256, file_date, report_key FROM history").map { $0.map { $0.string ?? "" } }
        XCTAssertEqual(history.map { [$0[0], $0[1]] }, [["drafts/d01-draft.txt", "superseded"], ["d01.txt", "superseded"], ["d01-corrected.txt", "current"]])
        XCTAssertEqual(history.map { $0[3] }, ["2025-06-14T15:06:40Z", "2025-06-15T15:06:40Z", "2025-06-16T15:06:40Z"])
        XCTAssertEqual(Set(history.map { $0[4] }), ["株洲市渌口区档案馆|430212|2021|dept"])
        XCTAssertEqual(Set(history.map { $0[2] }).count, 3)
        XCTAssertEqual(history[2][2], try sha256sum(inbox.appendingPathComponent("d01-corrected.txt")))

        // The corrected file renamed, and a copy of the first under another name: nothing new.
        let before = try tables(folder)
        try FileManager.default.moveItem(at: inbox.appendingPathComponent("d01-corrected.txt"), to: inbox.appendingPathComponent("renamed.txt"))
        try FileManager.default.copyItem(at: inbox.appendingPathComponent("d01.txt"), to: inbox.appendingPathComponent("copy-of-d01.txt"))
        let renamed = try update(inbox, folder)
        XCTAssertEqual(renamed.status, 0)
        XCTAssertEqual(readCount(renamed), 0, renamed.stderr)
        XCTAssertTrue(renamed.stderr.contains("2 already stored"), renamed.stderr)
        XCTAssertEqual(try tables(folder), before)
        XCTAssertEqual(try store.integer("SELECT count(*) FROM versions"), 3)

        // Nothing new at all: no file is even hashed again, and every table keeps its bytes.
        let again = try update(inbox, folder)
        XCTAssertEqual(readCount(again), 0)
        XCTAssertTrue(again.stderr.contains("4 unchanged"), again.stderr)
        XCTAssertEqual(try tables(folder), before)
        XCTAssertEqual(before.count, 18)
        let historyTable = try readTable(out.appendingPathComponent("history.csv"))
        XCTAssertEqual(historyTable.map { [$0["file"], $0["status"], $0["file_date"], $0["year"]] },
                       [["drafts/d01-draft.txt", "superseded", "2025-06-14T15:06:40Z", "2021"],
                        ["d01.txt", "superseded", "2025-06-15T15:06:40Z", "2021"],
                        ["d01-corrected.txt", "current", "2025-06-16T15:06:40Z", "2021"]])
    }

    func testAFileCaughtHalfWrittenIsReplacedByItsCompleteUpload() throws {
        let folder = try Paths.temporaryDirectory(), inbox = folder.appendingPathComponent("inbox")
        let upload = inbox.appendingPathComponent("upload.txt")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        let complete = try Data(contentsOf: Self.corpus.appendingPathComponent("d04.txt"))
        try complete.prefix(40).write(to: upload)
        try FileManager.default.setAttributes([.modificationDate: base], ofItemAtPath: upload.path)
        XCTAssertEqual(try update(inbox, folder).status, 0)
        // The first 40 bytes hold only the title: a record with no agency and no year.
        let out = folder.appendingPathComponent("out")
        XCTAssertEqual(try readTable(out.appendingPathComponent("records.csv")).map { [$0["agency"], $0["flags"]] },
                       [["", "year_missing;region_unresolved;truncated"]])

        try complete.write(to: upload)
        try FileManager.default.setAttributes([.modificationDate: base.addingTimeInterval(60)], ofItemAtPath: upload.path)
        XCTAssertEqual(try update(inbox, folder).status, 0)
        XCTAssertEqual(try readTable(out.appendingPathComponent("warnings.csv")).count, 0)
        XCTAssertEqual(try readTable(out.appendingPathComponent("records.csv")).map { [$0["agency"], $0["executed_wan"]] }, [["攸县档案馆", "76.00"]])
        XCTAssertEqual(try readTable(out.appendingPathComponent("history.csv")).map { [$0["report_key"], $0["status"]] },
                       [["file:upload.txt", "superseded"], ["攸县档案馆|430223|2022|dept", "current"]])
    }

    func testTheStoreGivesTheSameBytesAsRun() throws {
        for options in [["--headers", "en"], ["--headers", "zh", "--encoding", "gb18030"]] {
            let folder = try Paths.temporaryDirectory()
            XCTAssertEqual(try runPerfeval(["update", Self.corpus.path, "--store", folder.appendingPathComponent("store.sqlite").path,
                                            "--out", folder.appendingPathComponent("out").path, "--quiet"] + options).status, 0)
            let run = folder.appendingPathComponent("run")
            XCTAssertEqual(try runPerfeval(["run", Self.corpus.path, "--out", run.path, "--quiet"] + options).status, 0)
            let stored = try tables(folder).filter { $0.key != "history.csv" }
            for (name, bytes) in stored { XCTAssertEqual(bytes, try Data(contentsOf: run.appendingPathComponent(name)), "\(options) \(name)") }
            XCTAssertEqual(stored.count, 17)
        }
    }

    func testAKilledUpdateLeavesWholeBatchesAndTheNextOneFinishes() throws {
        let folder = try Paths.temporaryDirectory(), inbox = folder.appendingPathComponent("inbox")
        try makeCorpus(300, into: inbox)
        let storePath = folder.appendingPathComponent("store.sqlite").path
        let process = Process()
        process.executableURL = Paths.executable
        process.arguments = ["update", inbox.path, "--store", storePath, "--out", folder.appendingPathComponent("out").path,
                             "--batch", "20", "--quiet", "--data", Paths.data.path]
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Killed once a few batches are in, in the middle of the next one.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning, (try? storedPaths(storePath)) ?? 0 < 40 { usleep(20_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)

        let store = try Database(path: storePath)
        let stored = try store.integer("SELECT count(*) FROM paths")
        XCTAssertGreaterThanOrEqual(stored, 40)
        XCTAssertLessThan(stored, 300, "killed before the end")
        XCTAssertEqual(stored % 20, 0, "whole batches only")
        XCTAssertEqual(try store.rows("PRAGMA integrity_check"), [[.text("ok")]])
        XCTAssertEqual(try store.rows("PRAGMA foreign_key_check"), [])
        for table in ["records", "indicators", "expenditure_items", "audits", "problems", "measures", "review_unclassified", "quality", "rejects", "warnings"] {
            XCTAssertEqual(try store.integer("SELECT count(*) FROM \(table) WHERE version_id NOT IN (SELECT id FROM versions)"), 0, table)
        }
        XCTAssertEqual(try store.integer("SELECT count(*) FROM versions v WHERE records != (SELECT count(*) FROM records WHERE version_id = v.id)"), 0)
        XCTAssertEqual(try store.integer("SELECT count(*) FROM versions WHERE id NOT IN (SELECT version_id FROM paths)"), 0)

        let resumed = try update(inbox, folder)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(readCount(resumed), 300 - Int(stored))
        XCTAssertEqual(try store.integer("SELECT count(*) FROM paths"), 300)
        XCTAssertEqual(try store.integer("SELECT count(*) FROM versions"), 300)

        // The same tables as one uninterrupted update into a new store.
        let clean = folder.appendingPathComponent("clean")
        XCTAssertEqual(try update(inbox, clean).status, 0)
        // (history.csv differs only in when each version was read.)
        XCTAssertEqual(try tables(folder).filter { $0.key != "history.csv" }, try tables(clean).filter { $0.key != "history.csv" })
        let versions = "SELECT file, sha256, status FROM history"
        XCTAssertEqual(try store.rows(versions), try Database(path: clean.appendingPathComponent("store.sqlite").path).rows(versions))
    }

    func testTwoUpdatesAtOnceReadEachFileOnce() throws {
        let folder = try Paths.temporaryDirectory(), inbox = folder.appendingPathComponent("inbox")
        try makeCorpus(60, into: inbox)
        var results = [CommandResult?](repeating: nil, count: 2)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let result = try? self.update(inbox, folder, ["--wait", "120", "--batch", "10"])
            lock.lock(); results[index] = result; lock.unlock()
        }
        XCTAssertEqual(results.map { $0?.status }, [0, 0], results.map { $0?.stderr ?? "" }.joined())
        XCTAssertEqual(Set(results.map { readCount($0!) }), [0, 60], "one update read every file, the other none")
        let store = try Database(path: folder.appendingPathComponent("store.sqlite").path)
        XCTAssertEqual(try store.integer("SELECT count(*) FROM versions"), 60)
    }

    func testASecondUpdateGivesUpAfterWaitWithExitCodeThree() throws {
        let folder = try Paths.temporaryDirectory()
        let lockPath = folder.appendingPathComponent("store.sqlite.lock").path
        let descriptor = open(lockPath, O_RDWR | O_CREAT, 0o644)
        defer { close(descriptor) }
        XCTAssertEqual(flock(descriptor, LOCK_EX | LOCK_NB), 0)
        let started = Date()
        let busy = try update(Self.corpus, folder, ["--wait", "0.5"])
        XCTAssertEqual(busy.status, StoreError.busyExitCode)
        XCTAssertEqual(busy.status, 3)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.5)
        XCTAssertTrue(busy.stderr.contains("another perfeval update is using the store"), busy.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/records.csv").path))

        flock(descriptor, LOCK_UN)
        let done = try update(Self.corpus, folder, ["--wait", "0"])
        XCTAssertEqual(done.status, 0, done.stderr)
        XCTAssertEqual(readCount(done), 13)
    }

    func testRereadReplacesTheRowsOfStoredReportsWhoseFileIsFound() throws {
        let folder = try Paths.temporaryDirectory(), inbox = folder.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        for name in ["d01.txt", "d02.txt", "d03.txt"] {
            try FileManager.default.copyItem(at: Self.corpus.appendingPathComponent(name), to: inbox.appendingPathComponent(name))
        }
        XCTAssertEqual(try update(inbox, folder).status, 0)
        // As if an older perfeval had read them: another amount, and no CSV text kept.
        let store = try Database(path: folder.appendingPathComponent("store.sqlite").path)
        try store.execute("UPDATE records SET executed_wan = '1.00'; DELETE FROM csv_cache")
        try FileManager.default.removeItem(at: inbox.appendingPathComponent("d03.txt"))
        let records = folder.appendingPathComponent("out/records.csv")
        XCTAssertEqual(try update(inbox, folder).status, 0)
        XCTAssertEqual(try readTable(records).map { $0["executed_wan"] }, ["1.00", "1.00", "1.00"], "the stored rows, as stored")

        let reread = try update(inbox, folder, ["--reread"])
        XCTAssertEqual(reread.status, 0)
        XCTAssertTrue(reread.stderr.contains("2 stored versions read again, 1 kept as they were (file not found)"), reread.stderr)
        XCTAssertEqual(try readTable(records).map { [$0["file"], $0["executed_wan"]] },
                       [["d01.txt", "90.00"], ["d02.txt", "200.00"], ["d03.txt", "1.00"]])
        XCTAssertEqual(try store.integer("SELECT count(*) FROM records"), 3)
        XCTAssertEqual(try store.integer("SELECT count(*) FROM csv_cache"), 20, "two versions × ten tables")
    }

    func testSchemaVersionAndMigrations() throws {
        let folder = try Paths.temporaryDirectory(), path = folder.appendingPathComponent("store.sqlite").path
        XCTAssertEqual(try update(Self.corpus, folder).status, 0)
        let store = try Database(path: path)
        XCTAssertEqual(try store.integer("PRAGMA user_version"), 1)
        XCTAssertEqual(try store.integer("SELECT count(*) FROM history"), 13)

        // A store written before a column was added to records.csv gains the column.
        try store.execute("ALTER TABLE records DROP COLUMN measure_count")
        XCTAssertEqual(try update(Self.corpus, folder).status, 0)
        XCTAssertEqual(try store.integer("SELECT count(*) FROM pragma_table_info('records') WHERE name = 'measure_count'"), 1)
        let records = try readTable(folder.appendingPathComponent("out/records.csv"))
        XCTAssertEqual(records.count, 13)
        XCTAssertEqual(Set(records.map { $0["measure_count"] }), [""], "empty until the reports are read again")

        // A store from a newer perfeval is refused, not misread.
        try store.execute("PRAGMA user_version = 7")
        let newer = try update(Self.corpus, folder)
        XCTAssertEqual(newer.status, 2)
        XCTAssertTrue(newer.stderr.contains("schema version 7, newer than this perfeval understands (1)"), newer.stderr)
    }

    func testContentHashIsTheSHA256ThatCoreutilsPrints() throws {
        let folder = try Paths.temporaryDirectory()
        let empty = folder.appendingPathComponent("empty.txt"), abc = folder.appendingPathComponent("abc.txt")
        try Data().write(to: empty)
        try Data("abc".utf8).write(to: abc)
        XCTAssertEqual(try storeHash(empty), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(try storeHash(abc), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let report = Paths.samples.appendingPathComponent("000_d5715af45698640f.txt")
        XCTAssertEqual(try storeHash(report), try sha256sum(report))
    }

    // MARK: helpers

    /// The hash `perfeval update` stores for a file.
    func storeHash(_ file: URL) throws -> String {
        let folder = try Paths.temporaryDirectory("hash")
        _ = try runPerfeval(["update", file.path, "--store", folder.appendingPathComponent("s.sqlite").path,
                             "--out", folder.appendingPathComponent("out").path, "--quiet"])
        let store = try Database(path: folder.appendingPathComponent("s.sqlite").path)
        return try store.rows("SELECT sha256 FROM versions").first?.first?.string ?? ""
    }

    /// coreutils' sha256sum of a file.
    func sha256sum(_ file: URL) throws -> String {
        let process = Process(), out = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", file.path]
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return String(text.prefix(64))
    }

    func storedPaths(_ path: String) throws -> Int64 {
        guard FileManager.default.fileExists(atPath: path) else { return 0 }
        return try Database(path: path).integer("SELECT count(*) FROM paths")
    }

    func makeCorpus(_ count: Int, into folder: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Paths.packageRoot.appendingPathComponent("scripts/make_corpus.py").path,
                             "--count", String(count), "--out", folder.path, "--seed", "13"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
    }
}
