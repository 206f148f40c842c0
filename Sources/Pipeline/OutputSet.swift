import Foundation
import Ingest
#if canImport(Glibc)
import Glibc
#endif

/// The output folder of a run, replaced all at once: the tables are written into a staging
/// folder beside it (same parent, so same file system) and swapped in with one atomic
/// rename (`renameat2(RENAME_EXCHANGE)`), so a reader — or a run killed at any moment —
/// sees either the complete old set or the complete new set, never a mix. A lock file
/// beside the folder keeps two runs from writing it at once; staging folders left by a
/// killed run are removed by the next one.
final class OutputSet {
    let target: URL
    let staging: URL
    private let parent: URL
    private let lockDescriptor: Int32
    private let lockPath: String

    var directory: URL { staging }

    init(_ requested: URL) throws {
        let resolved = URL(fileURLWithPath: Inputs.realPath(requested.path) ?? requested.standardizedFileURL.path)
        target = resolved
        parent = resolved.deletingLastPathComponent()
        let name = resolved.lastPathComponent
        try OutputSet.makeDirectory(parent.path, naming: requested.path)   // the parent must be writable: staging and lock live there
        lockPath = parent.appendingPathComponent(".\(name).lock").path
        lockDescriptor = try OutputSet.lock(lockPath, naming: resolved.path)
        staging = parent.appendingPathComponent(".\(name).staging-\(getpid())")
        // Registered before it exists, so that a signal at any moment removes it.
        ChildProcesses.shared.addPath(staging.path)
        do {
            try checkTarget()
            removeStale(prefix: ".\(name).")
            try OutputSet.makeDirectory(staging.path, naming: staging.path)
        } catch {
            ChildProcesses.shared.removePath(staging.path)
            close(lockDescriptor)
            throw error
        }
    }

    deinit { close(lockDescriptor) }

    /// flock on the lock file beside `--out`. The file is removed when the run ends, so a
    /// lock taken on a file that was meanwhile removed (or replaced) is taken again on the
    /// file now at the path: two runs can never both hold "the" lock.
    static func lock(_ path: String, naming out: String) throws -> Int32 {
        while true {
            let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw PipelineError.fatal("cannot create the lock file \(path): \(String(cString: strerror(errno)))") }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                close(descriptor)
                throw PipelineError.fatal("another perfeval run is writing to \(out) (it holds \(path)): wait for it to finish, or choose another --out")
            }
            var held = stat(), current = stat()
            if fstat(descriptor, &held) == 0, stat(path, &current) == 0, held.st_ino == current.st_ino, held.st_dev == current.st_dev {
                return descriptor
            }
            close(descriptor)
        }
    }

    /// The lock file removed while still held (see `lock`), then released.
    private func unlock() {
        unlink(lockPath)
        flock(lockDescriptor, LOCK_UN)
    }

    /// The output folder and the files a run keeps beside it (lock, staging and old
    /// folders): never read as input, even when they sit inside an input folder.
    static func artefacts(of out: URL) -> [String] {
        let parent = out.deletingLastPathComponent().path, name = out.lastPathComponent
        return [out.path, "\(parent)/.\(name).lock", "\(parent)/.\(name).staging-", "\(parent)/.\(name).old-"]
    }

    /// `--out` naming an existing file is a usage error, found before anything is listed.
    static func checkNotAFile(_ out: URL) throws {
        var info = stat()
        if stat(out.path, &info) == 0, info.st_mode & S_IFMT != S_IFDIR { throw PipelineError.usage("--out \(out.path) is a file, not a folder") }
    }

    /// The whole folder is replaced on success, so it must hold nothing but files.
    private func checkTarget() throws {
        var info = stat()
        guard stat(target.path, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw PipelineError.usage("--out \(target.path) is a file, not a folder") }
        let folders = ((try? FileManager.default.contentsOfDirectory(atPath: target.path)) ?? []).filter {
            var child = stat()
            return lstat(target.appendingPathComponent($0).path, &child) == 0 && child.st_mode & S_IFMT == S_IFDIR
        }
        guard folders.isEmpty else {
            throw PipelineError.usage("--out \(target.path) holds folders (\(folders.sorted().prefix(3).joined(separator: ", "))): a run replaces its output folder as a whole; give a folder of its own")
        }
    }

    /// Staging and old folders of earlier runs killed before they finished (we hold the lock).
    private func removeStale(prefix: String) {
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        where entry.hasPrefix(prefix) && (entry.contains(".staging-") || entry.contains(".old-")) {
            try? FileManager.default.removeItem(at: parent.appendingPathComponent(entry))
        }
    }

    /// Swaps the staging folder in. Files of the old folder that the run did not write
    /// (notes of the analyst) are carried over first, by hard link.
    func commit() throws {
        var info = stat()
        if stat(target.path, &info) == 0 {
            carryOver()
            if OutputSet.exchange(staging.path, target.path) {
                try? FileManager.default.removeItem(at: staging)   // now the old set
            } else {
                let old = parent.appendingPathComponent(".\(target.lastPathComponent).old-\(getpid())")
                guard rename(target.path, old.path) == 0, rename(staging.path, target.path) == 0 else {
                    throw PipelineError.fatal("cannot move the new outputs into \(target.path): \(String(cString: strerror(errno)))")
                }
                try? FileManager.default.removeItem(at: old)
            }
        } else if rename(staging.path, target.path) != 0 {
            throw PipelineError.fatal("cannot move the new outputs into \(target.path): \(String(cString: strerror(errno)))")
        }
        ChildProcesses.shared.removePath(staging.path)
        unlock()
    }

    func abandon() {
        try? FileManager.default.removeItem(at: staging)
        ChildProcesses.shared.removePath(staging.path)
        unlock()
    }

    /// Files of the old folder that this run does not write (an analyst's notes, or the
    /// per-report tables `aggregate` is given beside its comparative ones) linked into the
    /// staging folder; names already written there are left alone. Called again by
    /// `commit`, so it may be called early by a writer that reads them (the review files).
    func carryOver() {
        let written = Set((try? FileManager.default.contentsOfDirectory(atPath: staging.path)) ?? [])
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: target.path)) ?? [] where !written.contains(entry) {
            let from = target.appendingPathComponent(entry).path, to = staging.appendingPathComponent(entry).path
            if link(from, to) != 0 { try? FileManager.default.copyItem(atPath: from, toPath: to) }
        }
    }

    /// renameat2(RENAME_EXCHANGE): both paths swapped in one step (Linux ≥ 3.15, glibc ≥
    /// 2.28); false when the call or the file system does not support it.
    static func exchange(_ a: String, _ b: String) -> Bool {
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return false }
        let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
        return renameat2(AT_FDCWD, a, AT_FDCWD, b, 2 /* RENAME_EXCHANGE */) == 0
    }

    /// mkdir -p whose errors name the path and the reason (permission denied, read-only…).
    static func makeDirectory(_ path: String, naming shown: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw PipelineError.fatal("cannot create the output folder \(shown): \(current): \(String(cString: strerror(errno)))")
            }
        }
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { throw PipelineError.usage("--out \(shown) is a file, not a folder") }
        guard access(path, W_OK) == 0 else {
            throw PipelineError.fatal("cannot write in \(path) (the output folder \(shown) is written beside it, then swapped in): \(String(cString: strerror(errno)))")
        }
    }
}

/// SIGINT and SIGTERM: converters killed, staging and temporary files removed, then exit
/// (130 / 143, as a shell reports a signal).
enum Interruption {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    private static let once: Void = {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: DispatchQueue.global())
            source.setEventHandler {
                ChildProcesses.shared.stopAll()
                FileHandle.standardError.write(Data("perfeval: interrupted; earlier output left as it was\n".utf8))
                _exit(128 + signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }()

    static func install() { _ = once }
}

extension Error {
    /// An I/O error as a person reads it: the POSIX reason when there is one.
    var readable: String {
        let error = self as NSError
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if error.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(error.code))) }
        return "\(self)"
    }
}

/// For callers outside the pipeline (the store's `update`): `body` writes a complete output
/// set into the folder it is given, which then replaces `out` as one set (locked, staged and
/// swapped in like a run's outputs); on an error `out` is left as it was.
public enum AtomicOutput {
    public static func write(_ out: URL, _ body: (URL) throws -> Void) throws {
        Interruption.install()
        let output = try OutputSet(out)
        do {
            try body(output.directory)
            try output.commit()
        } catch {
            output.abandon()
            throw error
        }
    }
}
