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
    /// Bounds on each input (size, inflated size, converter time…).
    public var limits = Limits.standard
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
    /// A path listed but not read (its reason in `rejection`).
    public var skipped = false
}

public struct RunSummary: Sendable {
    public var files: Int
    public var rejected: Int
    public var records: Int
    public var exitCode: Int32 { rejected > 0 ? 1 : 0 }
}

public enum Pipeline {
    public static let version = "0.1.0"
    /// Files per batch: the rows of the last batch are written after all processing ends, so
    /// a small batch keeps that serial end short (and memory low: two batches are held).
    static let batchSize = 256

    /// Reads every input in parallel (`jobs` workers pulling the next file), then writes
    /// the tables in input order, so the outputs do not depend on the thread count.
    public static func run(_ options: RunOptions, log: @escaping (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) throws -> RunSummary {
        let started = Date()
        let reference = try ReferenceData(directory: options.dataDirectory)
        guard options.jobs >= 1 else { throw PipelineError.usage("--jobs must be at least 1") }
        try OutputSet.checkNotAFile(options.outputDirectory)
        let listing = try Inputs.listing(options.inputs, excluding: OutputSet.artefacts(of: options.outputDirectory))
        // Nothing to read is an error, and the earlier output stays as it was.
        guard listing.readableCount > 0 else {
            let skipped = listing.skippedCount == 0 ? "" : " (\(listing.skippedCount) paths skipped: \(listing.firstSkipped.map { "\($0.name): \($0.reason)" }.joined(separator: "; ")))"
            throw PipelineError.usage("no input files found in \(options.inputs.joined(separator: " "))\(skipped); \(options.outputDirectory.path) left unchanged")
        }
        Interruption.install()
        let output = try OutputSet(options.outputDirectory)
        ChildProcesses.removeStaleTemporaryFolders()
        do {
            let summary = try write(listing, into: output.directory, options: options, reference: reference,
                                    started: started, log: log)
            try output.commit()
            log("perfeval: \(summary.files) files, \(summary.records) records, \(summary.rejected) rejected → \(options.outputDirectory.path)")
            return summary
        } catch {
            output.abandon()
            if error is PipelineError { throw error }
            throw PipelineError.fatal("writing the outputs for \(options.outputDirectory.path) failed: \(error.readable); earlier output left as it was")
        }
    }

    /// Processes the files and writes every table and the manifest into `directory`.
    static func write(_ listing: InputListing, into directory: URL, options: RunOptions, reference: ReferenceData,
                      started: Date, log: @escaping (String) -> Void) throws -> RunSummary {
        let extractor = Extractor(labels: reference.labels)
        let normalizer = Normalizer(gazetteer: reference.gazetteer)
        let progress = Progress(total: listing.count, enabled: options.progress, log: log)
        let writers = try Tables.layouts.map {
            try TableWriter(fileName: $0.fileName, columns: $0.columns, directory: directory,
                            headers: options.headers, encoding: options.encoding)
        }
        // Files are read in batches: each batch in parallel, its rows then appended in input
        // order, so memory stays flat however many files there are. With two jobs or more a
        // batch's rows are written on their own thread while the next batch is processed.
        // Per-agency figures beyond what memory holds go to a temporary file beside the outputs.
        let output = BatchWriter(writers: writers, overlapped: options.jobs > 1,
                                 aggregator: Aggregator(filter: options.filter, spillDirectory: directory.path), log: log)
        var files = listing.files()
        while true {
            let batch = try files.next(Self.batchSize)
            if batch.isEmpty { break }
            let outcomes = processAll(batch, jobs: options.jobs) { file in
                defer { progress.step() }
                return process(file, extractor: extractor, normalizer: normalizer, taxonomy: reference.taxonomy, noise: reference.noise,
                               limits: options.limits)
            }
            try output.write(batch, outcomes)
        }
        let (totals, aggregator) = try output.finish()
        let processed = Date()
        try AggregateRun.write(aggregator, into: directory, headers: options.headers, encoding: options.encoding, jobs: options.jobs)
        let aggregated = Date()
        try ReviewFiles.write(outputFolder: directory, headers: options.headers, level: options.filter.level,
                              choice: options.review, dataDirectory: options.dataDirectory)
        // Skipped paths are not files read, but they make the exit code 1 like rejected files.
        let summary = RunSummary(files: listing.count - totals.skipped, rejected: totals.rejected + totals.skipped, records: totals.records)
        // The manifest is written last: a staging folder with one is complete.
        try Manifest.write(options: options, summary: summary, totals: totals, directory: directory,
                           timings: ["process_s": processed.timeIntervalSince(started), "review_s": Date().timeIntervalSince(aggregated),
                                    "total_s": Date().timeIntervalSince(started)])
        return summary
    }

    /// One file through ingest → extract → normalize → compute. Failures become a rejection.
    static func process(_ file: InputFile, extractor: Extractor, normalizer: Normalizer, taxonomy: Taxonomy, noise: NoiseFilter,
                        limits: Limits = .standard) -> FileOutcome {
        var outcome = FileOutcome()
        if let reason = file.skipReason {
            outcome.rejection = reason
            outcome.skipped = true
            return outcome
        }
        let bytes: [UInt8]
        do {
            bytes = try FileReading.read(file.systemPath, limit: limits.maxInputBytes)
        } catch {
            outcome.rejection = "\(error)"
            return outcome
        }
        outcome.bytes = bytes.count
        let ingested: Ingest.Result
        do {
            ingested = try Ingest.read(bytes: bytes, noise: noise, limits: limits)
        } catch {
            outcome.rejection = "\(error)"
            return outcome
        }
        outcome.encoding = ingested.encoding
        outcome.warnings += ingested.warnings
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
        Parallel.map(files.count, jobs: jobs) { work(files[$0]) }
    }
}

/// Appends each batch's rows to the tables in input order, and adds each report's rows, as
/// written, to the comparative tables' aggregator (which keeps per-group figures only, so
/// no report outlives its batch). Overlapped, a batch is written on a serial queue while
/// the caller processes the next one; at most one batch waits to be written (two batches in
/// memory), and the first write error is thrown by the next call.
final class BatchWriter: @unchecked Sendable {
    private let writers: [TableWriter]
    private let queue: DispatchQueue?
    private let pending = DispatchGroup()
    // Touched only on the queue, or after `pending` is waited for.
    private var totals = RunTotals()
    private var aggregator: Aggregator
    private let issues: RowIssues
    private var failure: Error?
    /// One CSV buffer per table, emptied after each batch and reused by the next.
    private var tables: [CSVTableSink]

    init(writers: [TableWriter], overlapped: Bool, aggregator: Aggregator, log: @escaping (String) -> Void) {
        self.writers = writers
        tables = [CSVTableSink](repeating: CSVTableSink(), count: writers.count)
        queue = overlapped ? DispatchQueue(label: "perfeval.batch-writer") : nil
        self.aggregator = aggregator
        issues = RowIssues(log: log)
    }

    func write(_ files: [InputFile], _ outcomes: [FileOutcome]) throws {
        guard let queue else { return try append(files, outcomes) }
        try waitForPrevious()
        queue.async(group: pending) {
            do { try self.append(files, outcomes) } catch { self.failure = error }
        }
    }

    /// Every batch written and every table closed; the counts over the run and the
    /// comparative tables' figures.
    func finish() throws -> (RunTotals, Aggregator) {
        try waitForPrevious()
        for writer in writers { try writer.finish() }
        issues.finish()
        return (totals, aggregator)
    }

    private func waitForPrevious() throws {
        pending.wait()
        if let failure { throw failure }
    }

    /// One write per table for the whole batch: each file's rows encoded as UTF-8 CSV in input
    /// order, then converted to the table's encoding (the same bytes as one append per file,
    /// without one system call per file and table).
    private func append(_ files: [InputFile], _ outcomes: [FileOutcome]) throws {
        for (file, outcome) in zip(files, outcomes) {
            let recordCells = Tables.write(file, outcome, into: &tables)
            if !outcome.records.isEmpty { try aggregator.add(Tables.reportRows(recordCells, of: outcome, issues: issues)) }
            totals.add(outcome)
        }
        for index in writers.indices { try tables[index].drain { try writers[index].appendEncoded($0) } }
    }
}

/// Counts over a run, for the summary and the manifest.
struct RunTotals {
    var rejected = 0, records = 0, bytes = 0, skipped = 0
    var encodings: [String: Int] = [:]

    mutating func add(_ outcome: FileOutcome) {
        if outcome.skipped { skipped += 1 } else if outcome.rejection != nil { rejected += 1 }
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

/// Reads one input within the size limit: the size is checked before anything is read
/// (a 20 GB file is refused at once), and no more than the limit is ever read.
enum FileReading {
    enum Failure: Error, CustomStringConvertible {
        case unreadable(String)
        case notRegular
        var description: String {
            switch self {
            case .unreadable(let why): return "cannot read file: \(why)"
            case .notRegular: return "not a regular file (a pipe, socket or device): skipped"
            }
        }
    }

    static func read(_ path: [CChar], limit: Int) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure.unreadable(String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw Failure.unreadable(String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw Failure.notRegular }
        guard Int(info.st_size) <= limit else { throw LimitExceeded.inputSize(Int(info.st_size), limit: limit) }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var total = 0
        while total < bytes.count {
            let count = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + total, $0.count - total) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw Failure.unreadable(String(cString: strerror(errno))) }
            if count == 0 { break }
            total += count
        }
        // A file that grew while being read is cut at the limit check, never read past it.
        guard total <= limit else { throw LimitExceeded.inputSize(total, limit: limit) }
        bytes.removeLast(bytes.count - total)
        return bytes
    }
}
