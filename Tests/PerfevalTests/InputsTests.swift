import XCTest
import Foundation
@testable import Pipeline

/// The listing of the inputs: output order, names of their own, and a listing too large to
/// be written in one block.
final class InputsTests: XCTestCase {
    /// Paths come in the order of their bytes over the whole folder: a subfolder's files fall
    /// where `name/` does (after `a.txt` and `a-b`, before `a0`).
    func testFoldersAreListedInTheOrderOfTheirPathsBytes() throws {
        let folder = try Paths.temporaryDirectory()
        for path in ["a0", "a/y.txt", "a.txt", "b/c/q", "a/x", "a-b", "b/c.txt", "ab", ".hidden"] {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("x".utf8).write(to: url)
        }
        let listing = try Inputs.list([folder.path])
        XCTAssertEqual(listing.files.map(\.name), [".hidden", "a-b", "a.txt", "a/x", "a/y.txt", "a0", "ab", "b/c.txt", "b/c/q"])
        XCTAssertEqual(listing.skipped.map(\.name), [".hidden"])
        XCTAssertEqual(listing.readable.count, 8)
    }

    /// A name two paths share is replaced by each path as given; the same path twice is numbered.
    func testRepeatedNamesGetNamesOfTheirOwn() throws {
        let one = try Paths.temporaryDirectory("one"), two = try Paths.temporaryDirectory("two")
        for folder in [one, two] { try Data("x".utf8).write(to: folder.appendingPathComponent("x.txt")) }
        try Data("x".utf8).write(to: one.appendingPathComponent("y.txt"))
        let names = try Inputs.list([one.path, two.path, one.path + "/y.txt", one.path + "/y.txt"]).files.map(\.name)
        XCTAssertEqual(names, [one.path + "/x.txt", one.path + "/y.txt", two.path + "/x.txt", one.path + "/y.txt#2",
                               one.path + "/y.txt#3"])
    }

    /// Many paths (more than one block of the temporary file) come back whole and in order.
    func testALargeListingComesBackWholeAndInOrder() throws {
        let writer = try InputListing.Writer()
        let folder = writer.folder("/inbox")
        for index in 0..<60_000 {
            try writer.add(InputFile(folder: folder, name: "county-\(index % 7)/report-\(index).txt", systemPath: nil,
                                     skipReason: index % 1_000 == 0 ? "hidden file (name starts with '.'): skipped" : nil))
        }
        let listing = try writer.finish()
        XCTAssertEqual(listing.count, 60_000)
        XCTAssertEqual(listing.skippedCount, 60)
        XCTAssertEqual(listing.firstSkipped.map(\.name), ["county-0/report-0.txt", "county-6/report-1000.txt", "county-5/report-2000.txt"])
        var files = listing.files(), count = 0
        while true {
            let batch = try files.next(1_024)
            if batch.isEmpty { break }
            for file in batch {
                XCTAssertEqual(file.name, "county-\(count % 7)/report-\(count).txt")
                XCTAssertEqual(file.path, "/inbox/county-\(count % 7)/report-\(count).txt")
                count += 1
            }
        }
        XCTAssertEqual(count, 60_000)
    }

    /// Without a writable temporary folder the run stops before touching the output, and says why.
    func testNoTemporaryFolderIsAClearError() throws {
        let out = try Paths.temporaryDirectory().appendingPathComponent("out")
        var environment = ProcessInfo.processInfo.environment
        environment["TMPDIR"] = "/nonexistent-perfeval-tmp"
        let result = try runPerfeval(["run", Paths.samples.path, "--out", out.path, "--quiet"], environment: environment)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("needs a temporary file") && result.stderr.contains("TMPDIR"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }
}
