import Foundation

/// Runs a converter program on a temporary copy of the input and returns its output.
enum ExternalTool {
    enum Failure: Error, CustomStringConvertible {
        case missing(tool: String, package: String)
        case failed(String)
        var description: String {
            switch self {
            case .missing(let tool, let package): return "reading this file needs \(tool), which is not installed (apt-get install \(package))"
            case .failed(let message): return "the converter failed: \(message)"
            }
        }
    }

    static func run(_ tool: String, package: String, arguments: [String], input: [UInt8], outputToStdout: String?) throws -> [UInt8] {
        guard let executable = locate(tool) else { throw Failure.missing(tool: tool, package: package) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("perfeval-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("input")
        try Data(input).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments + [file.path] + (outputToStdout.map { [$0] } ?? [])
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure.failed(message.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").first.map(String.init) ?? "exit \(process.terminationStatus)")
        }
        return Array(data)
    }

    static func locate(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
