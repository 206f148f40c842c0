import PerfevalCore

/// The input paths of a run, in output order, kept in a temporary file and read back one at
/// a time: memory does not grow with the number of files.
public final class InputListing {
    private let file: SpillFile
    private let folders: [String]
    private let uniqueNames: UniqueNames
    /// Paths listed: files to read and paths skipped.
    public let count: Int
    public let skippedCount: Int
    /// The first few skipped paths, for the message when nothing can be read.
    public let firstSkipped: [SkippedPath]
    public var readableCount: Int { count - skippedCount }

    fileprivate init(file: SpillFile, folders: [String], uniqueNames: UniqueNames, count: Int, skippedCount: Int, firstSkipped: [SkippedPath]) {
        self.file = file; self.folders = folders; self.uniqueNames = uniqueNames
        self.count = count; self.skippedCount = skippedCount; self.firstSkipped = firstSkipped
    }

    /// The paths from the first, each under its own name in the outputs.
    public func files() -> Files { Files(listed: ListedFiles(file: file, folders: folders), uniqueNames: uniqueNames) }

    public struct Files {
        fileprivate var listed: ListedFiles
        fileprivate var uniqueNames: UniqueNames
        public mutating func next() throws -> InputFile? { try listed.next().map { uniqueNames.apply($0) } }

        /// Up to `count` next files; empty at the end.
        public mutating func next(_ count: Int) throws -> [InputFile] {
            var batch: [InputFile] = []
            while batch.count < count, let file = try next() { batch.append(file) }
            return batch
        }
    }

    /// Builds a listing path by path.
    final class Writer {
        private let file: SpillFile
        private var folders: [String] = []
        private var pending = SpillEncoder()
        /// A hash of each path's name, to find the names that may repeat.
        private var nameHashes: [Int] = []
        private var skippedCount = 0
        private var firstSkipped: [SkippedPath] = []

        init() throws { file = try SpillFile(directory: nil) }

        /// `path` as the folder of the files listed next (one string shared by all of them).
        func folder(_ path: String) -> String {
            folders.append(path)
            return path
        }

        func add(_ input: InputFile) throws {
            pending.beginEntry()
            input.encode(&pending, folders: folders)
            pending.endEntry()
            if pending.bytes.count >= 1 << 20 { try flush() }
            nameHashes.append(input.name.hashValue)
            if let reason = input.skipReason {
                skippedCount += 1
                if firstSkipped.count < 3 { firstSkipped.append(SkippedPath(name: input.name, reason: reason)) }
            }
        }

        func finish() throws -> InputListing {
            try flush()
            let count = nameHashes.count
            let uniqueNames = try UniqueNames(nameHashes: &nameHashes) { ListedFiles(file: file, folders: folders) }
            return InputListing(file: file, folders: folders, uniqueNames: uniqueNames, count: count,
                                skippedCount: skippedCount, firstSkipped: firstSkipped)
        }

        private func flush() throws {
            _ = try file.append(pending)
            pending = SpillEncoder()
        }
    }
}

/// The paths as listed, before names are made unique.
struct ListedFiles {
    private var reader: SpillReader
    private let folders: [String]
    init(file: SpillFile, folders: [String]) { reader = file.entries(of: 0..<file.size); self.folders = folders }
    mutating func next() throws -> InputFile? { try reader.next().map { fields in var fields = fields; return InputFile.decode(&fields, folders: folders) } }
}

/// Every file gets a name of its own in the outputs: two inputs called `x.txt` (from two
/// folders, or a `-` list) keep their paths as given; the same path twice is numbered
/// (`x.txt#2`). Names are first compared by hash, so only those that may repeat are held.
struct UniqueNames {
    /// Names that more than one path has: those paths are named by their path as given.
    private var repeated: Set<String> = []
    /// Names that still repeat then, and how many of each were met so far.
    private var numbered: [String: Int] = [:]

    init() {}

    /// `nameHashes`: a hash of each listed name, in order (sorted here); `listed` reads the
    /// listing again from its start (only when some hash repeats).
    init(nameHashes: inout [Int], listed: () -> ListedFiles) throws {
        guard !Self.repeatedHashes(&nameHashes).isEmpty else { return }
        repeated = try Self.repeatedNames(listed()) { $0.name }
        let repeated = repeated
        func renamed(_ file: InputFile) -> String { repeated.contains(file.name) ? file.path : file.name }
        for name in try Self.repeatedNames(listed(), renamed) { numbered[name] = 0 }
    }

    mutating func apply(_ file: InputFile) -> InputFile {
        var file = repeated.contains(file.name) ? file.renamed(file.path) : file
        if let seen = numbered[file.name] {
            numbered[file.name] = seen + 1
            if seen > 0 { file = file.renamed("\(file.name)#\(seen + 1)") }
        }
        return file
    }

    /// The names (`name` of each path) met more than once: by hash in a first pass over the
    /// listing, then exactly among those whose hash repeats.
    private static func repeatedNames(_ listed: ListedFiles, _ name: (InputFile) -> String) throws -> Set<String> {
        var hashes: [Int] = [], first = listed
        while let file = try first.next() { hashes.append(name(file).hashValue) }
        let candidates = repeatedHashes(&hashes)
        guard !candidates.isEmpty else { return [] }
        var counts: [String: Int] = [:], second = listed
        while let file = try second.next() {
            let name = name(file)
            if candidates.contains(name.hashValue) { counts[name, default: 0] += 1 }
        }
        return Set(counts.filter { $0.value > 1 }.keys)
    }

    /// The hashes that occur more than once (sorts `hashes`).
    private static func repeatedHashes(_ hashes: inout [Int]) -> Set<Int> {
        hashes.sort()
        var repeated: Set<Int> = []
        for index in hashes.indices.dropFirst() where hashes[index] == hashes[index - 1] { repeated.insert(hashes[index]) }
        return repeated
    }
}
