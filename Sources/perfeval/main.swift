import ArgumentParser
import Foundation
import Pipeline
import Emit
import Aggregate
import Ingest
// Nothing is called from it: importing links mimalloc, whose malloc and free then serve the
// whole process (see the README, Dependencies).
import CMimalloc

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

/// The bounds on each input file (README: "Limits").
struct LimitOptions: ParsableArguments {
    @Option(name: .long, help: "Largest input file read, e.g. 64M (K, M, G). Larger files are rejected unread.")
    var maxInputSize: String = "64M"

    @Option(name: .long, help: "Largest inflated size of one part of a .docx/.xlsx, e.g. 64M.")
    var maxInflatedSize: String = "64M"

    @Option(name: .long, help: "Largest inflated ÷ compressed ratio of a .docx/.xlsx part (parts over 1 MB).")
    var maxInflationRatio: Int = 200

    @Option(name: .long, help: "Largest text read (a text file, or a converter's output), e.g. 16M.")
    var maxTextSize: String = "16M"

    @Option(name: .long, help: "Most lines of a text, or paragraphs plus table cells of a document.")
    var maxElements: Int = 500_000

    @Option(name: .long, help: "Seconds a converter (pdftotext, antiword, catdoc, xls2csv) may take on one file.")
    var converterTimeout: Double = 60

    func validate() throws {
        for (name, value) in [("--max-input-size", maxInputSize), ("--max-inflated-size", maxInflatedSize), ("--max-text-size", maxTextSize)]
        where Limits.bytes(value) == nil {
            throw ValidationError("\(name) must be a size like 64M, 500K or 2G (got '\(value)')")
        }
        guard maxInflationRatio >= 2 else { throw ValidationError("--max-inflation-ratio must be at least 2 (got \(maxInflationRatio))") }
        guard maxElements >= 1 else { throw ValidationError("--max-elements must be at least 1 (got \(maxElements))") }
        guard converterTimeout > 0, converterTimeout <= 86_400 else { throw ValidationError("--converter-timeout must be between 0 and 86400 seconds (got \(converterTimeout))") }
    }

    var limits: Limits {
        var limits = Limits()
        limits.maxInputBytes = Limits.bytes(maxInputSize)!
        limits.maxInflatedBytes = Limits.bytes(maxInflatedSize)!
        limits.maxInflationRatio = maxInflationRatio
        limits.maxTextBytes = Limits.bytes(maxTextSize)!
        limits.maxElements = maxElements
        limits.converterSeconds = converterTimeout
        return limits
    }
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

    @Option(name: .long, help: "Files processed in parallel, 1 or more (default: number of cores).")
    var jobs: String = String(ProcessInfo.processInfo.activeProcessorCount)

    @Option(name: .long, help: "Folder of reference data (labels.csv, regions.csv, region_aliases.csv, problem_taxonomy.csv, noise.csv). Default: ./data.")
    var data: String?

    @Flag(name: .long, help: "No progress lines on standard error.")
    var quiet = false

    @OptionGroup var comparison: ComparisonOptions

    @OptionGroup(title: "Limits") var limits: LimitOptions

    @OptionGroup var review: ReviewFlags

    /// Read as text so that `--jobs -1` is answered about --jobs, not as a missing value.
    var jobCount: Int? { Int(jobs).flatMap { $0 >= 1 ? $0 : nil } }

    func validate() throws {
        guard jobCount != nil else { throw ValidationError("--jobs must be a whole number of at least 1 (got '\(jobs)')") }
        guard !inputs.isEmpty else { throw ValidationError("give at least one input file or folder") }
    }

    func run() throws {
        var options = RunOptions(inputs: inputs, outputDirectory: URL(fileURLWithPath: out),
                                 dataDirectory: data.map { URL(fileURLWithPath: $0) } ?? ReferenceData.defaultDirectory())
        options.headers = headers
        options.encoding = encoding
        options.jobs = jobCount!
        options.progress = !quiet
        options.filter = comparison.filter
        options.limits = limits.limits
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

    @Option(name: .long, help: "Most records held at once when a folder's records, problems and audits tables list their files in different orders (tables written by perfeval are streamed and need no bound).")
    var maxRecords: Int = AggregateRun.defaultMaxRecords

    @OptionGroup var review: ReviewFlags

    func run() throws {
        // The review files go into the staging folder too: the set is swapped in whole.
        try AggregateRun.runInto(directories: folders.map { URL(fileURLWithPath: $0) }, out: URL(fileURLWithPath: out),
                                 headers: headers, encoding: encoding, filter: comparison.filter, maxRecords: maxRecords) { staging in
            try ReviewFiles.write(outputFolder: staging, headers: headers, level: comparison.level, choice: review.choice)
        }
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
/// `--jobs -1` would read as a missing value followed by an unknown flag: a negative
/// number after an option is joined to it (`--jobs=-1`), so the option's own check answers.
func joiningNegativeValues(_ arguments: [String]) -> [String] {
    var joined: [String] = []
    for argument in arguments {
        if let last = joined.last, last.hasPrefix("--"), !last.contains("="), argument.count > 1, argument.hasPrefix("-"),
           Double(argument) != nil {
            joined[joined.count - 1] = last + "=" + argument
        } else {
            joined.append(argument)
        }
    }
    return joined
}

do {
    var command = try Perfeval.parseAsRoot(joiningNegativeValues(Array(CommandLine.arguments.dropFirst())))
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
