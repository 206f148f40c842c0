import Foundation
import Ingest
import Emit
import Aggregate
import Pipeline
#if canImport(Glibc)
import Glibc
#endif

public struct UpdateOptions {
    public var inboxes: [String]
    public var storePath: String
    public var outputDirectory: URL
    public var dataDirectory: URL
    public var headers: HeaderLanguage = .zh
    public var encoding: OutputEncoding = .utf8
    public var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    /// Files read and stored per transaction.
    public var batchSize: Int = 256
    /// Seconds to wait for another update to release the store.
    public var wait: Double = 60
    public var progress: Bool = true
    /// Read again every stored version whose file is still found, replacing its rows.
    public var reread = false
    public var filter = AggregateFilter()
    /// Files written beside the tables before the output set is swapped in (review.xlsx).
    public var alsoWrite: (URL) throws -> Void = { _ in }

    public init(inboxes: [String], storePath: String, outputDirectory: URL, dataDirectory: URL) {
        self.inboxes = inboxes; self.storePath = storePath; self.outputDirectory = outputDirectory; self.dataDirectory = dataDirectory
    }
}

public struct UpdateSummary: Sendable {
    /// Files found in the inboxes.
    public var files = 0
    /// Files skipped without reading: same path, size and date as when last seen.
    public var unchanged = 0
    /// Files whose content the store already held (a copy, a rename, a touched file).
    public var known = 0
    /// Files read through the pipeline and stored.
    public var read = 0
    public var rejected = 0
    /// Files that could not be opened (tried again next time).
    public var unreadable = 0
    /// Stored versions read again (`reread`), and those whose file was not found.
    public var reread = 0
    public var rereadMissing = 0
    public var current = 0
    public var superseded = 0

    public var exitCode: Int32 { rejected > 0 || unreadable > 0 ? 1 : 0 }
}

/// `perfeval update INBOX... --store FILE --out DIR`: stores the files whose content the
/// store has not seen (one transaction per batch), then writes every table of `run` from
/// the current versions.
public enum StoreUpdate {
    public static func run(_ options: UpdateOptions, log: @escaping (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) throws -> UpdateSummary {
        guard options.jobs >= 1, options.batchSize >= 1 else { throw PipelineError.usage("--jobs and --batch must be at least 1") }
        let reference = try ReferenceData(directory: options.dataDirectory)
        let listing = try Inputs.listing(options.inboxes)
        let storeFolder = URL(fileURLWithPath: options.storePath).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: storeFolder, withIntermediateDirectories: true)
        let lock = try StoreLock(store: options.storePath, wait: options.wait)
        defer { withExtendedLifetime(lock) {} }
        let store = try Store(path: options.storePath)
        var summary = UpdateSummary(files: listing.readableCount)
        var clock = Date()
        func lap() -> String { defer { clock = Date() }; return String(format: "%.2f", Date().timeIntervalSince(clock)) }
        let reader = FileRows(reference: reference)
        try read(listing, into: store, options: options, reader: reader, summary: &summary, log: log)
        if options.reread {
            try Reread.run(store, options: options, reader: reader, summary: &summary)
            log("perfeval update: \(summary.reread) stored versions read again, \(summary.rereadMissing) kept as they were (file not found)")
        }
        let reading = lap()
        // Written as one set, like a run's outputs: staged beside --out, locked, swapped in.
        try AtomicOutput.write(options.outputDirectory) { staging in
            try StoreTables.write(store: options.storePath, to: staging, headers: options.headers,
                                  encoding: options.encoding, filter: options.filter, jobs: options.jobs)
            try options.alsoWrite(staging)
        }
        let writing = lap()
        (summary.current, summary.superseded) = try store.counts()
        log("perfeval update: \(summary.files) files: \(summary.read) read (\(summary.rejected) rejected), \(summary.known) already stored, "
            + "\(summary.unchanged) unchanged\(summary.unreadable > 0 ? ", \(summary.unreadable) unreadable" : ""); "
            + "store: \(summary.current) current, \(summary.superseded) superseded → \(options.outputDirectory.path) "
            + "(s: reading \(reading), tables \(writing))")
        return summary
    }

    /// Reads the listed files batch by batch; each batch's new contents are stored in one
    /// transaction. A file whose path, size and date the store has seen is not read again.
    static func read(_ listing: InputListing, into store: Store, options: UpdateOptions, reader: FileRows,
                     summary: inout UpdateSummary, log: (String) -> Void) throws {
        let lookups = try store.lookups()
        let readAt = Store.formatter.string(from: Date())
        var files = listing.files(), checked = 0
        while true {
            let batch = try files.next(options.batchSize)
            if batch.isEmpty { break }
            var sightings: [Sighting] = [], fresh: [(InputFile, FileStat, String)] = [], hashes: Set<String> = []
            for file in batch {
                // Paths not read (hidden files, links, pipes, unreadable folders): said, not stored.
                if let reason = file.skipReason { log("perfeval update: \(file.name) not read: \(reason)"); continue }
                checked += 1
                guard let stat = FileStat(file.path) else { summary.unreadable += 1; continue }
                if let seen = try lookups.lastSeen(stat.path), seen.bytes == stat.bytes, seen.mtime == stat.mtime { summary.unchanged += 1; continue }
                // Read within the input size limit, as `run` does (a 20 GB file is never loaded).
                guard stat.bytes <= Int64(Limits.standard.maxInputBytes) else {
                    log("perfeval update: \(file.name): file too large (\(stat.bytes / 1_048_576) MB, limit \(Limits.standard.maxInputBytes / 1_048_576) MB): not stored")
                    summary.unreadable += 1
                    continue
                }
                guard let bytes = FileManager.default.contents(atPath: file.path) else { summary.unreadable += 1; continue }
                let hash = SHA256.hex(Array(bytes))
                sightings.append(Sighting(path: stat.path, bytes: stat.bytes, mtimeMicroseconds: stat.mtime, sha256: hash))
                if try !lookups.isStored(hash: hash), hashes.insert(hash).inserted { fresh.append((file, stat, hash)) } else { summary.known += 1 }
            }
            let rows = reader.rows(of: fresh.map(\.0), jobs: options.jobs)
            let versions = zip(fresh, rows).map { entry, rows in
                NewVersion(sha256: entry.2, name: entry.0.name, path: entry.1.path, bytes: entry.1.bytes, mtimeMicroseconds: entry.1.mtime, rows: rows)
            }
            if !sightings.isEmpty { try store.store(versions, sightings: sightings, readAt: readAt) }
            summary.read += versions.count
            summary.rejected += versions.filter { $0.rows[0].isEmpty }.count
            if options.progress && listing.readableCount >= 200 {
                log("perfeval update: \(checked)/\(listing.readableCount) files checked, \(summary.read) stored")
            }
        }
    }
}

/// A file's absolute path, size and modification time (microseconds since 1970).
struct FileStat {
    var path: String
    var bytes: Int64
    var mtime: Int64

    init?(_ path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        self.path = URL(fileURLWithPath: path).standardizedFileURL.path
        bytes = Int64(info.st_size)
        mtime = Int64(info.st_mtim.tv_sec) * 1_000_000 + Int64(info.st_mtim.tv_nsec) / 1_000
    }
}
