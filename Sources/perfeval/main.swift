import ArgumentParser
import Foundation
import Pipeline
import Emit
import Aggregate

extension RegionLevel: ExpressibleByArgument {}

/// The options that restrict the comparative tables.
struct ComparisonOptions: ParsableArguments {
    @Option(name: .long, help: "Fiscal year or range of the comparative tables, e.g. 2023 or 2021-2023.")
    var year: String?

    @Option(name: .long, help: "Region level of the comparative tables: county, prefecture, province or all (default: every level).")
    var level: RegionLevel?

    @Option(name: .long, help: "Kind of record in the comparative tables: dept or project.")
    var kind: String?

    func validate() throws {
        if let year, AggregateRun.years(year) == nil { throw ValidationError("--year must be a year or a range like 2021-2023 (got '\(year)')") }
        if let kind, kind != "dept", kind != "project" { throw ValidationError("--kind must be dept or project (got '\(kind)')") }
    }

    var filter: AggregateFilter { AggregateFilter(years: year.flatMap(AggregateRun.years), level: level, kind: kind) }
}

/// The review files written beside the CSV tables.
struct ReviewFlags: ParsableArguments {
    @Flag(name: .customLong("no-xlsx"), help: "Do not write review.xlsx (the workbook with one sheet per table and charts).")
    var noXlsx = false

    @Flag(name: .customLong("no-html"), help: "Do not write review.html (the review page).")
    var noHtml = false

    var choice: ReviewFiles.Choice { ReviewFiles.Choice(workbook: !noXlsx, page: !noHtml) }
}

extension HeaderLanguage: ExpressibleByArgument {}
extension OutputEncoding: ExpressibleByArgument {}

struct Perfeval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perfeval",
        abstract: "Batch analytics over budget-performance self-evaluation reports (绩效自评报告).",
        version: Pipeline.version,
        subcommands: [Run.self, UpdateCommand.self, AggregateCommand.self, InspectFile.self])
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

    @Option(name: .long, help: "Folder of reference data (labels.csv, regions.csv, region_aliases.csv, problem_taxonomy.csv, noise.csv). Default: ./data.")
    var data: String?

    @Flag(name: .long, help: "No progress lines on standard error.")
    var quiet = false

    @OptionGroup var comparison: ComparisonOptions

    @OptionGroup var review: ReviewFlags

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
        options.filter = comparison.filter
        options.review = review.choice
        let summary = try Pipeline.run(options)
        throw ExitCode(summary.exitCode)
    }
}

struct AggregateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aggregate",
        abstract: "Write the comparative tables from the output folders of earlier runs (e.g. runs over parts of a corpus).")

    @Argument(help: "Output folders of perfeval run (holding records.csv, problems.csv, audits.csv).")
    var folders: [String]

    @Option(name: .long, help: "Output folder.")
    var out: String = "output"

    @Option(name: .long, help: "Header language of the CSV tables: zh or en.")
    var headers: HeaderLanguage = .zh

    @Option(name: .long, help: "Encoding of the CSV tables: utf8 (with BOM) or gb18030.")
    var encoding: OutputEncoding = .utf8

    @OptionGroup var comparison: ComparisonOptions

    @OptionGroup var review: ReviewFlags

    func run() throws {
        try AggregateRun.run(directories: folders.map { URL(fileURLWithPath: $0) }, into: URL(fileURLWithPath: out),
                             headers: headers, encoding: encoding, filter: comparison.filter)
        try ReviewFiles.write(outputFolder: URL(fileURLWithPath: out), headers: headers, level: comparison.level, choice: review.choice)
    }
}

struct InspectFile: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Print the paragraphs and table rows read from one report, with source lines.")

    @Argument(help: "A report file.")
    var file: String

    @Option(name: .long, help: "Folder of reference data, for its list of page furniture and spam (noise.csv). Default: ./data.")
    var data: String?

    func run() throws {
        let reference = try ReferenceData(directory: data.map { URL(fileURLWithPath: $0) } ?? ReferenceData.defaultDirectory())
        print(try Inspect.describe(path: file, noise: reference.noise))
    }
}

/// Exit codes: 0 every file processed, 1 some files rejected, 2 usage or fatal error, 3 store busy (update).
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
