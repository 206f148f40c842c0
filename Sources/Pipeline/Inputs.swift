import Foundation

/// One input file: where to read it and the name it has in the outputs.
public struct InputFile: Sendable {
    public let path: String
    public let name: String
}

public enum Inputs {
    /// Expands the arguments: files as given, folders recursively (sorted by path), and `-`
    /// for a list of paths on standard input. A path that does not exist is a usage error.
    public static func list(_ arguments: [String], standardInput: () -> String? = { readLine() }) throws -> [InputFile] {
        var files: [InputFile] = []
        for argument in arguments {
            if argument == "-" {
                while let line = standardInput() {
                    let path = line.trimmingCharacters(in: .whitespaces)
                    if !path.isEmpty { files.append(contentsOf: try expand(path)) }
                }
            } else {
                files.append(contentsOf: try expand(argument))
            }
        }
        return files
    }

    static func expand(_ path: String) throws -> [InputFile] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PipelineError.usage("input '\(path)' does not exist")
        }
        guard isDirectory.boolValue else { return [InputFile(path: path, name: (path as NSString).lastPathComponent)] }
        guard let enumerator = FileManager.default.enumerator(atPath: path) else { throw PipelineError.usage("input folder '\(path)' cannot be read") }
        var relative: [String] = []
        while let next = enumerator.nextObject() as? String {
            let full = (path as NSString).appendingPathComponent(next)
            var nestedIsDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &nestedIsDirectory), !nestedIsDirectory.boolValue,
               !(next as NSString).lastPathComponent.hasPrefix(".") {
                relative.append(next)
            }
        }
        return relative.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            .map { InputFile(path: (path as NSString).appendingPathComponent($0), name: $0) }
    }
}
