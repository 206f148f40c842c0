import Foundation
import Dispatch
import PerfevalCore
import Ingest
import Extract
import Normalize
import Compute
import Aggregate
import Emit

public struct RunOptions: Sendable {
    public var inputs: [String]
    public var outputDirectory: URL
    public var dataDirectory: URL
    public var headers: HeaderLanguage = .zh
    public var encoding: OutputEncoding = .utf8
    public var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    public var progress: Bool = true
    /// Restricts the comparative tables (the per-report tables always hold every file).
    public var filter = AggregateFilter()
    /// review.xlsx / review.html (`--no-xlsx`, `--no-html`).
    public var review = ReviewFiles.Choice()

    public init(inputs: [String], outputDirectory: URL, dataDirectory: URL) {
        self.inputs = inputs; self.outputDirectory = outputDirectory; self.dataDirectory = dataDirectory
    }
}

/// What became of one input file.
public struct FileOutcome: Sendable {
    public var records: [Record] = []
    public var report: ReportDetails?
    public var rejection: String?
    public var warnings: [String] = []
    public var encoding: String?
    public var bytes: Int = 0
}

public struct RunSummary: Sendable {
    public var files: Int
    public var rejected: Int
    public var records: Int
    public var exitCode: Int32 { rejected > 0 ? 1 : 0 }
}

public enum Pipeline {
    public static let version = "0.1.0"
    static let batchSize = 1024

    /// Reads every input in parallel (`jobs` workers pulling the next file), then writes
    /// the tables in input order, so the outputs do not depend on the thread count.
    public static func run(_ options: RunOptions, log: @escaping (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) throws -> RunSummary {
        let started = Date()
        let reference = try ReferenceData(directory: options.dataDirectory)
        let files = try Inputs.list(options.inputs)
        guard options.jobs >= 1 else { throw PipelineError.usage("--jobs must be at least 1") }
        try FileManager.default.createDirectory(at: options.outputDirectory, withIntermediateDirectories: true)

        let extractor = Extractor(labels: reference.labels)
        let normalizer = Normalizer(gazetteer: reference.gazetteer)
        let progress = Progress(total: files.count, enabled: options.progress, log: log)
        let writers = try Tables.layouts.map {
            try TableWriter(fileName: $0.fileName, columns: $0.columns, directory: options.outputDirectory,
                            headers: options.headers, encoding: options.encoding)
        }
        var totals = RunTotals()
        // Files are read in batches: each batch in parallel, its rows then appended in input
        // order, so memory stays flat however many files there are.
        for start in stride(from: 0, to: files.count, by: Self.batchSize) {
            let batch = Array(files[start..<min(start + Self.batchSize, files.count)])
            let outcomes = processAll(batch, jobs: options.jobs) { file in
                defer { progress.step() }
                return process(file, extractor: extractor, normalizer: normalizer, taxonomy: reference.taxonomy, noise: reference.noise)
            }
            for (file, outcome) in zip(batch, outcomes) {
                for (writer, rows) in zip(writers, Tables.rows(for: file, outcome: outcome)) { try writer.append(rows) }
                totals.add(outcome)
            }
        }
        let processed = Date()
        for writer in writers { try writer.finish() }
        try AggregateRun.run(directories: [options.outputDirectory], into: options.outputDirectory,
                             headers: options.headers, encoding: options.encoding, filter: options.filter)
        let aggregated = Date()
        try ReviewFiles.write(outputFolder: options.outputDirectory, headers: options.headers, level: options.filter.level,
                              choice: options.review, dataDirectory: options.dataDirectory)
        let summary = RunSummary(files: files.count, rejected: totals.rejected, records: totals.records)
        try Manifest.write(options: options, summary: summary, totals: totals,
                           timings: ["process_s": processed.timeIntervalSince(started), "review_s": Date().timeIntervalSince(aggregated),
                                    "total_s": Date().timeIntervalSince(started)])
        log("perfeval: \(summary.files) files, \(summary.records) records, \(summary.rejected) rejected → \(options.outputDirectory.path)")
        return summary
    }

    /// One file through ingest → extract → normalize → compute. Failures become a rejection.
    static func process(_ file: InputFile, extractor: Extractor, normalizer: Normalizer, taxonomy: Taxonomy, noise: NoiseFilter) -> FileOutcome {
        var outcome = FileOutcome()
        guard let data = FileManager.default.contents(atPath: file.path) else {
            outcome.rejection = "cannot read file"
            return outcome
        }
        outcome.bytes = data.count
        let ingested: Ingest.Result
        do {
            ingested = try Ingest.read(bytes: Array(data), noise: noise)
        } catch {
            outcome.rejection = "\(error)"
            return outcome
        }
        outcome.encoding = ingested.encoding
        if ingested.truncated { outcome.warnings.append("truncated: the file ends in the middle of a character; read up to the cut") }
        let report = extractor.extract(ingested.document)
        guard !report.records.isEmpty else {
            outcome.rejection = "no self-evaluation report found (no report title, self-evaluation table or fund table)"
            return outcome
        }
        outcome.records = report.records.map { raw in
            var record = normalizer.normalize(raw, file: file.name)
            if ingested.truncated { record.flags.append("truncated") }
            Compute.apply(&record)
            return record
        }
        var details = normalizer.report(report, records: outcome.records, file: file.name)
        QualityRubric.apply(&details, taxonomy: taxonomy)
        outcome.report = details
        return outcome
    }

    /// Runs `work` over `files` on `jobs` threads; results come back in input order.
    static func processAll(_ files: [InputFile], jobs: Int, work: @escaping (InputFile) -> FileOutcome) -> [FileOutcome] {
        var results = [FileOutcome](repeating: FileOutcome(), count: files.count)
        let lock = NSLock()
        var next = 0
        results.withUnsafeMutableBufferPointer { buffer in
            let slots = buffer
            DispatchQueue.concurrentPerform(iterations: min(jobs, max(files.count, 1))) { _ in
                while true {
                    lock.lock()
                    let index = next
                    next += 1
                    lock.unlock()
                    guard index < files.count else { return }
                    slots[index] = work(files[index])
                }
            }
        }
        return results
    }
}

/// Counts over a run, for the summary and the manifest.
struct RunTotals {
    var rejected = 0, records = 0, bytes = 0
    var encodings: [String: Int] = [:]

    mutating func add(_ outcome: FileOutcome) {
        if outcome.rejection != nil { rejected += 1 }
        records += outcome.records.count
        bytes += outcome.bytes
        if let encoding = outcome.encoding { encodings[encoding, default: 0] += 1 }
    }
}

/// Progress on stderr for long runs: a line every 5% (runs of 200 files or more).
final class Progress: @unchecked Sendable {
    let total: Int, enabled: Bool, log: (String) -> Void
    private var done = 0
    private let lock = NSLock()
    private let started = Date()

    init(total: Int, enabled: Bool, log: @escaping (String) -> Void) {
        self.total = total; self.enabled = enabled && total >= 200; self.log = log
    }

    func step() {
        guard enabled else { return }
        lock.lock(); done += 1; let count = done; lock.unlock()
        let every = max(total / 20, 1)
        if count % every == 0 || count == total {
            let rate = Double(count) / max(Date().timeIntervalSince(started), 0.001)
            log(String(format: "perfeval: %d/%d files (%.0f files/s)", count, total, rate))
        }
    }
}
