import Foundation
import XCTest
import CSVKit
import Extract
import Normalize
import Pipeline
import Compute

/// Paths of the package, its data/ folder and test fixtures.
enum Paths {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let data = packageRoot.appendingPathComponent("data")
    static let samples = data.appendingPathComponent("samples")
    static let fixtures = packageRoot.appendingPathComponent("Tests/Fixtures")
    /// The built `perfeval` executable (in the same folder as the test bundle).
    static var executable: URL {
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("perfeval")
        }
        return Bundle.main.bundleURL.appendingPathComponent("perfeval")
    }

    /// A new folder in the system's temporary folder; it and the files beside it that share
    /// its name (`…-out`) are removed when the test run ends (see `TestFolderCleanup`).
    static func temporaryDirectory(_ name: String = #function) throws -> URL {
        TestFolderCleanup.register()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(TestFolderCleanup.prefix)\(name.filter(\.isLetter))-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Removes this test process's folders from the temporary folder when the run ends, so runs
/// do not pile up thousands of them; PERFEVAL_KEEP_TEST_FOLDERS=1 keeps them for a look.
final class TestFolderCleanup: NSObject, XCTestObservation {
    static let prefix = "perfeval-tests-\(getpid())-"
    private static let observer: TestFolderCleanup = {
        let observer = TestFolderCleanup()
        XCTestObservationCenter.shared.addTestObserver(observer)
        return observer
    }()
    static func register() { _ = observer }

    func testBundleDidFinish(_ testBundle: Bundle) {
        guard ProcessInfo.processInfo.environment["PERFEVAL_KEEP_TEST_FOLDERS"] == nil else { return }
        let folder = FileManager.default.temporaryDirectory
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in names where name.hasPrefix(Self.prefix) { try? FileManager.default.removeItem(at: folder.appendingPathComponent(name)) }
    }
}

enum Reference {
    static let shared: ReferenceData = try! ReferenceData(directory: Paths.data)
    static var taxonomy: Taxonomy { shared.taxonomy }
}

struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the real CLI, as a user would.
func runPerfeval(_ arguments: [String], stdin: String? = nil, environment: [String: String]? = nil) throws -> CommandResult {
    let process = Process()
    process.executableURL = Paths.executable
    process.arguments = arguments
    if let environment { process.environment = environment }
    process.currentDirectoryURL = Paths.packageRoot
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
}

/// A CSV output table read back through libcsv, as dictionaries keyed by header.
func readTable(_ url: URL) throws -> [[String: String]] {
    let rows = try CSV.parse(Array(try Data(contentsOf: url)))
    guard let header = rows.first else { return [] }
    return rows.dropFirst().map { row in Dictionary(uniqueKeysWithValues: zip(header, row)) }
}
