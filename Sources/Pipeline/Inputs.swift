import Foundation
import PerfevalCore
#if canImport(Glibc)
import Glibc
#endif

/// One input file: where to read it and the name it has in the outputs.
public struct InputFile: Sendable {
    /// The listed folder the file was found in: one string shared by all its files, so a
    /// listing of a million files holds little more than each file's own name.
    private let folder: String?
    /// The file's name inside `folder`, or its path as given.
    private let relative: String
    /// The name in the outputs when it is not `relative` (a file given by path, a repeated name).
    private let ownName: String?
    /// The path's bytes when they are not `path` in UTF-8 (a GBK name from a Windows ZIP:
    /// `path` and `name` show it decoded, `systemPath` still opens it).
    private let systemBytes: [CChar]?
    /// Set for a path met while listing that is not read (hidden, a link to a folder…): it
    /// takes its place among the files, in path order, as a row of rejects.csv.
    public let skipReason: String?

    public var path: String { folder.map { ($0 as NSString).appendingPathComponent(relative) } ?? relative }
    public var name: String { ownName ?? relative }
    public var systemPath: [CChar] { systemBytes ?? Array(path.utf8CString) }

    public init(path: String, name: String, systemPath: [CChar]? = nil, skipReason: String? = nil) {
        folder = nil; relative = path; ownName = name == path ? nil : name; systemBytes = systemPath; self.skipReason = skipReason
    }

    /// A file listed in `folder` under `name`; `systemPath` when its bytes are not `name`'s.
    init(folder: String, name: String, systemPath: [CChar]?, skipReason: String?) {
        self.folder = folder; relative = name; ownName = nil; systemBytes = systemPath; self.skipReason = skipReason
    }

    private init(_ file: InputFile, name: String) {
        folder = file.folder; relative = file.relative; ownName = name; systemBytes = file.systemBytes; skipReason = file.skipReason
    }

    func renamed(_ name: String) -> InputFile { InputFile(self, name: name) }

    /// The file as an entry of the listing's temporary file; `folders` numbers the folders.
    func encode(_ encoder: inout SpillEncoder, folders: [String]) {
        encoder.put(Int32(folder.flatMap { folders.lastIndex(of: $0) } ?? -1))
        encoder.put(relative)
        encoder.put(UInt8((ownName == nil ? 0 : 1) | (systemBytes == nil ? 0 : 2) | (skipReason == nil ? 0 : 4)))
        if let ownName { encoder.put(ownName) }
        if let systemBytes { encoder.put(bytes: systemBytes.map { UInt8(bitPattern: $0) }) }
        if let skipReason { encoder.put(skipReason) }
    }

    static func decode(_ decoder: inout SpillDecoder, folders: [String]) -> InputFile {
        let folder = Int(decoder.take(Int32.self)), relative = decoder.takeString(), present = decoder.take(UInt8.self)
        let ownName = present & 1 != 0 ? decoder.takeString() : nil
        let systemBytes = present & 2 != 0 ? decoder.takeBytes().map { CChar(bitPattern: $0) } : nil
        let skipReason = present & 4 != 0 ? decoder.takeString() : nil
        guard folder >= 0 else { return InputFile(path: relative, name: ownName ?? relative, systemPath: systemBytes, skipReason: skipReason) }
        let file = InputFile(folder: folders[folder], name: relative, systemPath: systemBytes, skipReason: skipReason)
        return ownName.map { file.renamed($0) } ?? file
    }
}

/// A path met while listing the inputs that is not read, and why: it goes to rejects.csv.
public struct SkippedPath: Sendable, Equatable {
    public let name: String
    public let reason: String
}

public enum Inputs {
    /// Every path listed, held whole (for the store, which compares its inboxes with what it has).
    public struct Listing: Sendable {
        /// Files to read and skipped paths, in the order of the outputs.
        public var files: [InputFile] = []
        public var readable: [InputFile] { files.filter { $0.skipReason == nil } }
        public var skipped: [SkippedPath] { files.compactMap { file in file.skipReason.map { SkippedPath(name: file.name, reason: $0) } } }
    }

    /// `listing(_:excluding:standardInput:)`, read back whole.
    public static func list(_ arguments: [String], excluding excluded: [String] = [],
                            standardInput: () -> String? = { readLine(strippingNewline: true) }) throws -> Listing {
        var listing = Listing(), files = try Self.listing(arguments, excluding: excluded, standardInput: standardInput).files()
        while let file = try files.next() { listing.files.append(file) }
        return listing
    }

    /// Expands the arguments: files as given, folders recursively (sorted by path), and `-`
    /// for a list of paths on standard input. A path that does not exist is a usage error.
    /// Paths under `excluded` (the output folder) are never read. The listing goes to a
    /// temporary file as it is made, so a million paths take no more memory than ten.
    public static func listing(_ arguments: [String], excluding excluded: [String] = [],
                               standardInput: () -> String? = { readLine(strippingNewline: true) }) throws -> InputListing {
        let writer: InputListing.Writer
        do {
            writer = try InputListing.Writer()
        } catch {
            throw PipelineError.fatal("the list of inputs needs a temporary file: \(error) (set TMPDIR to a writable folder)")
        }
        let excludedReal = excluded.compactMap(resolvedPath)
        for argument in arguments {
            if argument == "-" {
                while let line = standardInput() {
                    let path = line.trimmingCharacters(in: .whitespaces)
                    if !path.isEmpty { try expand(path, excluding: excludedReal, into: writer) }
                }
            } else {
                try expand(argument, excluding: excludedReal, into: writer)
            }
        }
        return try writer.finish()
    }

    static func expand(_ path: String, excluding excluded: [String], into listing: InputListing.Writer) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = errno == EACCES ? "cannot be reached (permission denied)" : "does not exist"
            let shown = path.unicodeScalars.contains("\u{FFFD}") ? "\(path) (a name that is not valid UTF-8: pass it through `-` or its folder)" : path
            throw PipelineError.usage("input '\(shown)' \(reason)")
        }
        let real = realPath(path)
        if let real, isExcluded(real, excluded) {
            return try listing.add(InputFile(path: path, name: path, skipReason: "the output folder of this run: not read as input"))
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            return try listing.add(InputFile(path: path, name: (path as NSString).lastPathComponent))
        }
        let folder = listing.folder(path), root = Array(path.utf8)
        try walk(root, relative: [], real: real, excluding: excluded) { found in
            let name = displayName(found.name)
            let system = name.utf8.elementsEqual(found.name) ? nil : cString(root + [0x2F] + found.name)
            try listing.add(InputFile(folder: folder, name: name, systemPath: system, skipReason: found.skip))
        }
    }

    /// A path met in a folder: its name inside the input (bytes) and why it is skipped (nil:
    /// a file to read). Skipped folders are named with a trailing `/`.
    struct Found { var name: [UInt8]; var skip: String? }

    /// What a folder entry is: a file to read, a folder to walk (with its real path, when
    /// known), a path skipped (and why), or nothing to list (the output folder inside the input).
    enum Entry { case file, folder(real: String?), skipped(String, folder: Bool), ignored }

    /// Depth-first over a folder with opendir/readdir, so that names which are not UTF-8,
    /// unreadable subfolders and links are each seen and accounted for. Paths come in the
    /// order of their names' bytes over the whole input: each folder's entries are sorted
    /// with a folder's name read as `name/`, which is where its files fall in that order.
    /// `real` is the folder's real path (nil: unknown), to tell the output folder among its entries.
    static func walk(_ root: [UInt8], relative: [UInt8], real: String?, excluding excluded: [String], found: (Found) throws -> Void) throws {
        let folder = relative.isEmpty ? root : root + [0x2F] + relative
        guard let directory = opendir(cString(folder)) else {
            return try found(Found(name: relative + [0x2F],
                                   skip: "folder cannot be read (\(String(cString: strerror(errno)))): its files were not read"))
        }
        var entries: [(key: [UInt8], child: [UInt8], entry: Entry)] = []
        while let item = readdir(directory) {
            let name = withUnsafeBytes(of: item.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            let child = relative.isEmpty ? name : relative + [0x2F] + name
            let entry = classify(root + [0x2F] + child, name: name, type: item.pointee.d_type, in: real, excluding: excluded)
            switch entry {
            case .folder, .skipped(_, folder: true): entries.append((child + [0x2F], child, entry))
            case .file, .skipped: entries.append((child, child, entry))
            case .ignored: continue
            }
        }
        closedir(directory)
        entries.sort { $0.key.lexicographicallyPrecedes($1.key) }
        for (key, child, entry) in entries {
            switch entry {
            case .file: try found(Found(name: child, skip: nil))   // files behind a link are read
            case .folder(let real): try walk(root, relative: child, real: real, excluding: excluded, found: found)
            case .skipped(let reason, _): try found(Found(name: key, skip: reason))
            case .ignored: break
            }
        }
    }

    /// What the entry `name` at path `full` is; `type` is readdir's `d_type`; `folderReal` is
    /// the real path of its folder. A regular file or a folder is told by its `d_type` alone
    /// and its real path is its folder's joined with its name; a link is followed (`stat`,
    /// `realpath`), and an entry of unknown type (some file systems) examined with `lstat`.
    static func classify(_ full: [UInt8], name: [UInt8], type: UInt8, in folderReal: String?, excluding excluded: [String]) -> Entry {
        func failure() -> String { String(cString: strerror(errno)) }
        let path = cString(full)
        var target = stat()
        switch Int32(type) {
        case Int32(DT_REG): target.st_mode = S_IFREG
        case Int32(DT_DIR): target.st_mode = S_IFDIR
        default:
            guard lstat(path, &target) == 0 else { return .skipped("cannot be examined (\(failure()))", folder: false) }
        }
        let isLink = target.st_mode & S_IFMT == S_IFLNK
        if isLink, stat(path, &target) != 0 { return .skipped("broken symbolic link: skipped", folder: false) }
        let isFolder = target.st_mode & S_IFMT == S_IFDIR
        let real = isLink ? realPath(String(decoding: full, as: UTF8.self)) : folderReal.map { joined($0, name) }
        if let real, isExcluded(real, excluded) {
            return .ignored   // the output folder (and its staging copies) inside the input: never input
        }
        if name.first == 0x2E { return .skipped("hidden \(isFolder ? "folder" : "file") (name starts with '.'): skipped", folder: isFolder) }
        if isFolder && isLink { return .skipped("symbolic link to a folder: not followed (it may loop); give the folder itself", folder: true) }
        if isFolder { return .folder(real: real) }
        if target.st_mode & S_IFMT != S_IFREG { return .skipped("not a regular file (a pipe, socket or device): skipped", folder: false) }
        return .file
    }

    /// A file name for the outputs: as is when UTF-8, else decoded as GB18030 (Windows
    /// ZIPs of Chinese offices), else with its bytes escaped.
    static func displayName(_ bytes: [UInt8]) -> String {
        if let text = String(validatingUTF8: cString(bytes)) { return text }
        if let converted = try? Iconv.convert(bytes, from: "GB18030", to: "UTF-8"), !converted.truncated,
           let text = String(validatingUTF8: cString(converted.bytes)) { return text }
        return bytes.map { $0 < 0x80 ? String(UnicodeScalar($0)) : String(format: "%%%02X", $0) }.joined()
    }

    static func cString(_ bytes: [UInt8]) -> [CChar] { bytes.map { CChar(bitPattern: $0) } + [0] }

    /// `folder/name` as a path string (`/name` under the root folder).
    static func joined(_ folder: String, _ name: [UInt8]) -> String {
        (folder.hasSuffix("/") ? folder : folder + "/") + String(decoding: name, as: UTF8.self)
    }

    /// An excluded path is the path itself and what lies under it; one ending in `-` is a
    /// name prefix (the staging folders `.out.staging-PID`).
    static func isExcluded(_ real: String, _ excluded: [String]) -> Bool {
        excluded.contains { real == $0 || real.hasPrefix($0 + "/") || ($0.hasSuffix("-") && real.hasPrefix($0)) }
    }

    /// The real path, also for a path that does not exist yet (its folder resolved).
    static func resolvedPath(_ path: String) -> String? {
        if let real = realPath(path) { return real }
        let url = URL(fileURLWithPath: path)
        return realPath(url.deletingLastPathComponent().path).map { $0 + "/" + url.lastPathComponent }
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
