import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a converter program on a temporary copy of the input and returns its output.
/// The converter runs in its own process group with both pipes drained together (a
/// converter that fills its stderr pipe would otherwise block forever), within a time
/// limit and an output limit; when either is passed, or perfeval is interrupted, the whole
/// group is killed and the temporary copy removed.
enum ExternalTool {
    enum Failure: Error, CustomStringConvertible {
        case missing(tool: String, package: String)
        case failed(tool: String, message: String)
        case temporaryCopy(String)
        var description: String {
            switch self {
            case .missing(let tool, let package): return "reading this file needs \(tool), which is not installed (apt-get install \(package))"
            case .failed(let tool, let message): return "\(tool) could not convert the file: \(message)"
            case .temporaryCopy(let why): return "could not write the temporary copy the converter reads (\(why)); the file itself may be fine: check TMPDIR"
            }
        }
    }

    static func run(_ tool: String, package: String, arguments: [String], input: [UInt8], outputToStdout: String?,
                    limits: Limits = .standard) throws -> [UInt8] {
        guard let executable = locate(tool) else { throw Failure.missing(tool: tool, package: package) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("perfeval-\(getpid())-\(UUID().uuidString)")
        ChildProcesses.shared.addPath(directory.path)
        defer {
            try? FileManager.default.removeItem(at: directory)
            ChildProcesses.shared.removePath(directory.path)
        }
        let file = directory.appendingPathComponent("input")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(input).write(to: file)
        } catch {
            throw Failure.temporaryCopy("\(directory.path): \((error as NSError).localizedFailureReason ?? String(describing: error))")
        }
        var argv = [executable] + arguments + [file.path] + (outputToStdout.map { [$0] } ?? [])
        // coreutils `timeout` also stops the converter if perfeval itself is killed (kill -9).
        if let timeout = locate("timeout") { argv = [timeout, "-s", "KILL", String(Int(limits.converterSeconds.rounded(.up)) + 5)] + argv }
        let result = try Spawned.run(argv, seconds: limits.converterSeconds, maxOutput: limits.maxTextBytes)
        switch result.ending {
        case .timedOut: throw LimitExceeded.timeout(tool: tool, seconds: limits.converterSeconds)
        case .outputTooLarge: throw LimitExceeded.text(limit: limits.maxTextBytes)
        case .exited(0): return result.output
        case .exited(let status): throw Failure.failed(tool: tool, message: message(result.errors, status: status))
        case .signalled(let signal): throw Failure.failed(tool: tool, message: "stopped by signal \(signal)")
        }
    }

    /// The first informative line of the converter's messages (antiword always starts with
    /// "… doesn't need a mapping file", which says nothing about the failure).
    static func message(_ errors: [UInt8], status: Int32) -> String {
        let lines = String(decoding: errors, as: UTF8.self).split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.contains("doesn't need a mapping file") }
        return lines.first.map { String($0.prefix(300)) } ?? "exit status \(status)"
    }

    static func locate(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// The converters running now and their temporary folders, so that an interrupted run
/// (SIGINT, SIGTERM) can kill them and clean up before it exits.
public final class ChildProcesses: @unchecked Sendable {
    public static let shared = ChildProcesses()
    private let lock = NSLock()
    private var groups: Set<pid_t> = []
    private var paths: Set<String> = []

    func addGroup(_ pid: pid_t) { lock.lock(); groups.insert(pid); lock.unlock() }
    func removeGroup(_ pid: pid_t) { lock.lock(); groups.remove(pid); lock.unlock() }
    public func addPath(_ path: String) { lock.lock(); paths.insert(path); lock.unlock() }
    public func removePath(_ path: String) { lock.lock(); paths.remove(path); lock.unlock() }

    /// Temporary folders of converters whose perfeval was killed (`perfeval-PID-UUID` with
    /// no such process left): removed when the next run starts.
    public static func removeStaleTemporaryFolders() {
        let temporary = FileManager.default.temporaryDirectory
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? [] {
            let parts = name.split(separator: "-", maxSplits: 2)
            guard parts.count == 3, parts[0] == "perfeval", let pid = Int32(parts[1]), parts[2].count == 36,
                  pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(at: temporary.appendingPathComponent(name))
        }
    }

    /// Kills every converter's process group and removes every registered temporary path.
    public func stopAll() {
        lock.lock()
        let (groups, paths) = (self.groups, self.paths)
        lock.unlock()
        // Paths first, each renamed away before it is removed: threads still writing cannot
        // recreate files under the old name while the tree is being deleted.
        for path in paths {
            let doomed = path + ".removing"
            let target = rename(path, doomed) == 0 ? doomed : path
            for _ in 0..<3 where FileManager.default.fileExists(atPath: target) { try? FileManager.default.removeItem(atPath: target) }
        }
        for group in groups { kill(-group, SIGKILL) }
    }
}

/// posix_spawn with both pipes drained by poll(2), a deadline and an output cap.
enum Spawned {
    enum Ending { case exited(Int32), signalled(Int32), timedOut, outputTooLarge }
    struct Result { var output: [UInt8]; var errors: [UInt8]; var ending: Ending }

    static func run(_ argv: [String], seconds: Double, maxOutput: Int) throws -> Result {
        var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw ExternalTool.Failure.failed(tool: argv[0], message: "no pipe: \(String(cString: strerror(errno)))") }
        let pid = try spawn(argv, stdout: outPipe[1], stderr: errPipe[1], closing: [outPipe[0], errPipe[0]])
        ChildProcesses.shared.addGroup(pid)
        defer { ChildProcesses.shared.removeGroup(pid) }
        close(outPipe[1]); close(errPipe[1])
        defer { close(outPipe[0]); close(errPipe[0]) }
        var result = Result(output: [], errors: [], ending: .exited(0))
        let deadline = Date().addingTimeInterval(seconds)
        var open = [outPipe[0], errPipe[0]]
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !open.isEmpty {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { result.ending = .timedOut; break }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), Int32(min(remaining * 1000, 1000).rounded(.up)))
            if ready < 0 && errno == EINTR { continue }
            for descriptor in fds where descriptor.revents != 0 {
                let count = read(descriptor.fd, &buffer, buffer.count)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { open.removeAll { $0 == descriptor.fd }; continue }
                if descriptor.fd == outPipe[0] { result.output += buffer[0..<count] }
                else if result.errors.count < 8_192 { result.errors += buffer[0..<count] }
            }
            if result.output.count > maxOutput { result.ending = .outputTooLarge; break }
        }
        if case .exited = result.ending {} else { kill(-pid, SIGKILL) }
        let status = waitFor(pid)
        if case .exited = result.ending { result.ending = status }
        return result
    }

    static func waitFor(_ pid: pid_t) -> Ending {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7F
        return signal == 0 ? .exited((status >> 8) & 0xFF) : .signalled(signal)
    }

    /// Starts `argv` in a new process group (pgid = its pid), stdin from /dev/null, the
    /// default action for the signals perfeval handles itself.
    static func spawn(_ argv: [String], stdout: Int32, stderr: Int32, closing: [Int32]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        for descriptor in closing + [stdout, stderr] { posix_spawn_file_actions_addclose(&actions, descriptor) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t(), empty = sigset_t()
        sigemptyset(&defaults); sigemptyset(&empty)
        for signal in [SIGINT, SIGTERM, SIGPIPE, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        let status = posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, environ)
        guard status == 0 else { throw ExternalTool.Failure.failed(tool: argv[0], message: "cannot start: \(String(cString: strerror(status)))") }
        return pid
    }
}
