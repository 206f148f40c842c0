import ArgumentParser
import Foundation
import Pipeline
import Emit
import Store

/// `perfeval update`: the year's collection kept in an SQLite store (see README, "The store").
struct UpdateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Store the reports not seen before (by content) and rewrite every table from the store's current reports.",
        discussion: """
            A corrected report (same agency, region, year and kind) supersedes the older file (by file date, then name); \
            the tables count current reports only. Exit codes: 0 done, 1 some files read were rejected or unreadable, \
            2 usage or fatal error, \(StoreError.busyExitCode) another update held the store longer than --wait.
            """)

    @Argument(help: "Inbox folders or report files (read recursively), or - for a list of paths on standard input.")
    var inputs: [String]

    @Option(name: .long, help: "The SQLite store (created when missing).")
    var store: String

    @Option(name: .long, help: "Output folder for the tables.")
    var out: String = "output"

    @Option(name: .long, help: "Seconds to wait for another update to finish before giving up (exit code \(StoreError.busyExitCode)).")
    var wait: Double = 60

    @Option(name: .long, help: "Files stored per transaction.")
    var batch: Int = 256

    @Option(name: .long, help: "Header language of the CSV tables: zh or en.")
    var headers: HeaderLanguage = .zh

    @Option(name: .long, help: "Encoding of the CSV tables: utf8 (with BOM) or gb18030.")
    var encoding: OutputEncoding = .utf8

    @Option(name: .long, help: "Files processed in parallel (default: number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .long, help: "Folder of reference data. Default: ./data.")
    var data: String?

    @Flag(name: .long, help: "Read again every stored report whose file is still found (after upgrading perfeval), replacing its rows.")
    var reread = false

    @Flag(name: .long, help: "No progress lines on standard error.")
    var quiet = false

    @OptionGroup var comparison: ComparisonOptions

    @OptionGroup var review: ReviewFlags

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1 (got \(jobs))") }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1 (got \(batch))") }
        guard wait >= 0 else { throw ValidationError("--wait must be 0 or more seconds (got \(wait))") }
        guard !inputs.isEmpty else { throw ValidationError("give at least one inbox folder or file") }
    }

    func run() throws {
        var options = UpdateOptions(inboxes: inputs, storePath: store, outputDirectory: URL(fileURLWithPath: out),
                                    dataDirectory: data.map { URL(fileURLWithPath: $0) } ?? ReferenceData.defaultDirectory())
        (options.headers, options.encoding, options.jobs, options.batchSize) = (headers, encoding, jobs, batch)
        (options.wait, options.progress, options.filter, options.reread) = (wait, !quiet, comparison.filter, reread)
        do {
            // review.xlsx / review.html from the tables, in the same output set.
            let (headers, level, choice, data) = (headers, comparison.level, review.choice, options.dataDirectory)
            options.alsoWrite = { try ReviewFiles.write(outputFolder: $0, headers: headers, level: level, choice: choice, dataDirectory: data) }
            throw ExitCode(try StoreUpdate.run(options).exitCode)
        } catch StoreError.busy(let message) {
            FileHandle.standardError.write(Data("perfeval: \(message)\n".utf8))
            throw ExitCode(StoreError.busyExitCode)
        } catch StoreError.fatal(let message) {
            throw PipelineError.fatal(message)
        } catch let error as SQLiteError {
            throw PipelineError.fatal("store \(store): \(error)")
        }
    }
}
