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
}

/// A path met while listing the inputs that is not read, and why: it goes to rejects.csv.
public struct SkippedPath: Sendable, Equatable {
    public let name: String
    public let reason: String
}

public enum Inputs {
    public struct Listing: Sendable {
        /// Files to read and skipped paths, in the order of the outputs.
        public var files: [InputFile] = []
        public var readable: [InputFile] { files.filter { $0.skipReason == nil } }
        public var skipped: [SkippedPath] { files.compactMap { file in file.skipReason.map { SkippedPath(name: file.name, reason: $0) } } }
    }

    /// Expands the arguments: files as given, folders recursively (sorted by path), and `-`
    /// for a list of paths on standard input. A path that does not exist is a usage error.
    /// Paths under `excluded` (the output folder) are never read.
    public static func list(_ arguments: [String], excluding excluded: [String] = [],
                            standardInput: () -> String? = { readLine(strippingNewline: true) }) throws -> Listing {
        var listing = Listing()
        let excludedReal = excluded.compactMap(resolvedPath)
        for argument in arguments {
            if argument == "-" {
                while let line = standardInput() {
                    let path = line.trimmingCharacters(in: .whitespaces)
                    if !path.isEmpty { try expand(path, excluding: excludedReal, into: &listing) }
                }
            } else {
                try expand(argument, excluding: excludedReal, into: &listing)
            }
        }
        listing.files = uniqueNames(listing.files)
        return listing
    }

    static func expand(_ path: String, excluding excluded: [String], into listing: inout Listing) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = errno == EACCES ? "cannot be reached (permission denied)" : "does not exist"
            let shown = path.unicodeScalars.contains("\u{FFFD}") ? "\(path) (a name that is not valid UTF-8: pass it through `-` or its folder)" : path
            throw PipelineError.usage("input '\(shown)' \(reason)")
        }
        if let real = realPath(path), isExcluded(real, excluded) {
            listing.files.append(InputFile(path: path, name: path, skipReason: "the output folder of this run: not read as input"))
            return
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            listing.files.append(InputFile(path: path, name: (path as NSString).lastPathComponent))
            return
        }
        var found: [Found] = []
        walk(Array(path.utf8), relative: [], excluding: excluded, files: &found)
        // Sorted, then taken from the end so that each name's bytes are freed as its entry is made.
        found.sort { $1.name.lexicographicallyPrecedes($0.name) }
        let root = Array(path.utf8)
        while let file = found.popLast() {
            let name = displayName(file.name)
            let system = name.utf8.elementsEqual(file.name) ? nil : cString(root + [0x2F] + file.name)
            listing.files.append(InputFile(folder: path, name: name, systemPath: system, skipReason: file.skip))
        }
    }

    /// Depth-first over a folder with opendir/readdir, so that names which are not UTF-8,
    /// unreadable subfolders and links are each seen and accounted for.
    /// A path met in a folder: its name inside the input (bytes), its full path, and why it
    /// is skipped (nil: a file to read). Skipped folders are named with a trailing `/`.
    struct Found { var name: [UInt8]; var skip: String? }

    static func walk(_ root: [UInt8], relative: [UInt8], excluding excluded: [String], files: inout [Found]) {
        let folder = relative.isEmpty ? root : root + [0x2F] + relative
        guard let directory = opendir(cString(folder)) else {
            files.append(Found(name: relative + [0x2F],
                               skip: "folder cannot be read (\(String(cString: strerror(errno)))): its files were not read"))
            return
        }
        defer { closedir(directory) }
        var entries: [[UInt8]] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            entries.append(name)
        }
        for name in entries.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let child = relative.isEmpty ? name : relative + [0x2F] + name
            let full = root + [0x2F] + child
            visit(root, child: child, full: full, hidden: name.first == 0x2E, excluding: excluded, files: &files)
        }
    }

    static func visit(_ root: [UInt8], child: [UInt8], full: [UInt8], hidden: Bool, excluding excluded: [String], files: inout [Found]) {
        func skip(_ reason: String, folder: Bool = false) { files.append(Found(name: child + (folder ? [0x2F] : []), skip: reason)) }
        var link = stat(), target = stat()
        guard lstat(cString(full), &link) == 0 else { return skip("cannot be examined (\(String(cString: strerror(errno))))") }
        let isLink = link.st_mode & S_IFMT == S_IFLNK
        guard stat(cString(full), &target) == 0 else {
            return skip(isLink ? "broken symbolic link: skipped" : "cannot be examined (\(String(cString: strerror(errno))))")
        }
        let isFolder = target.st_mode & S_IFMT == S_IFDIR
        if let real = realPath(String(decoding: full, as: UTF8.self)), isExcluded(real, excluded) {
            return   // the output folder (and its staging copies) inside the input: never input
        }
        if hidden {
            skip("hidden \(isFolder ? "folder" : "file") (name starts with '.'): skipped", folder: isFolder)
        } else if isFolder && isLink {
            skip("symbolic link to a folder: not followed (it may loop); give the folder itself", folder: true)
        } else if isFolder {
            walk(root, relative: child, excluding: excluded, files: &files)
        } else if target.st_mode & S_IFMT != S_IFREG {
            skip("not a regular file (a pipe, socket or device): skipped")
        } else {
            files.append(Found(name: child, skip: nil))   // files behind a link are read
        }
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

    /// Every file gets a name of its own in the outputs: two inputs called `x.txt` (from two
    /// folders, or a `-` list) keep their paths as given; the same path twice is numbered.
    static func uniqueNames(_ files: [InputFile]) -> [InputFile] {
        var counts: [String: Int] = [:]
        for file in files { counts[file.name, default: 0] += 1 }
        var renamed = files.map { counts[$0.name]! > 1 ? $0.renamed($0.path) : $0 }
        var seen: [String: Int] = [:]
        for index in renamed.indices {
            let name = renamed[index].name
            seen[name, default: 0] += 1
            if seen[name]! > 1 { renamed[index] = renamed[index].renamed("\(name)#\(seen[name]!)") }
        }
        return renamed
    }
}
