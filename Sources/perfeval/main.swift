import ArgumentParser
import Foundation
import Pipeline
import Emit

extension HeaderLanguage: ExpressibleByArgument {}
extension OutputEncoding: ExpressibleByArgument {}

struct Perfeval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perfeval",
        abstract: "Batch analytics over budget-performance self-evaluation reports (绩效自评报告).",
        version: Pipeline.version,
        subcommands: [Run.self, InspectFile.self])
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read reports and write the records table (records.csv, rejects.csv, warnings.csv, manifest.json).")

    @Argument(help: "Report files, folders (read recursively), or - for a list of paths on standard input.")
    var inputs: [String]

    @Option(name: .long, help: "Output folder.")
    var out: String = "output"

    @Option(name: .long, help: "Header language of the CSV tables: zh or en.")
    var headers: HeaderLanguage = .zh

    @Option(name: .long, help: "Encoding of the CSV tables: utf8 (with BOM) or gb18030.")
    var encoding: OutputEncoding = .utf8

    @Option(name: .long, help: "Files processed in parallel (default: number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .long, help: "Folder of reference data (labels.csv, regions.csv, region_aliases.csv). Default: ./data.")
    var data: String?

    @Flag(name: .long, help: "No progress lines on standard error.")
    var quiet = false

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1 (got \(jobs))") }
        guard !inputs.isEmpty else { throw ValidationError("give at least one input file or folder") }
    }

    func run() throws {
        var options = RunOptions(inputs: inputs, outputDirectory: URL(fileURLWithPath: out),
                                 dataDirectory: data.map { URL(fileURLWithPath: $0) } ?? ReferenceData.defaultDirectory())
        options.headers = headers
        options.encoding = encoding
        options.jobs = jobs
        options.progress = !quiet
        let summary = try Pipeline.run(options)
        throw ExitCode(summary.exitCode)
    }
}

struct InspectFile: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Print the paragraphs and table rows read from one report, with source lines.")

    @Argument(help: "A report file.")
    var file: String

    func run() throws { print(try Inspect.describe(path: file)) }
}

/// Exit codes: 0 every file processed, 1 some files rejected, 2 usage or fatal error.
do {
    var command = try Perfeval.parseAsRoot()
    try command.run()
} catch let exit as ExitCode {
    Foundation.exit(exit.rawValue)
} catch let error as PipelineError {
    FileHandle.standardError.write(Data("perfeval: \(error)\n".utf8))
    Foundation.exit(2)
} catch {
    let code = Perfeval.exitCode(for: error)
    if code == .success {
        print(Perfeval.fullMessage(for: error))
        Foundation.exit(0)
    }
    FileHandle.standardError.write(Data((Perfeval.fullMessage(for: error) + "\n").utf8))
    Foundation.exit(2)
}
