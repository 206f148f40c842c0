import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One update at a time per store: an exclusive `flock` on `STORE.lock`, held for the
/// whole update (reading, storing, writing the tables). The kernel releases it when the
/// process ends, however it ends, so a killed update never leaves the store locked.
final class StoreLock {
    let path: String
    let descriptor: Int32

    /// Waits up to `wait` seconds for the lock; throws `StoreError.busy` when it stays taken.
    init(store: String, wait: Double) throws {
        path = store + ".lock"
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw StoreError.fatal("cannot open the lock file \(path): \(String(cString: strerror(errno)))") }
        let deadline = Date().addingTimeInterval(max(wait, 0))
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                close(descriptor)
                throw StoreError.fatal("cannot lock \(path): \(String(cString: strerror(errno)))")
            }
            guard Date() < deadline else {
                close(descriptor)
                throw StoreError.busy("another perfeval update is using the store \(store) (lock \(path)); waited \(Self.seconds(wait)) s. Try again later or raise --wait.")
            }
            usleep(100_000)
        }
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

public enum StoreError: Error, CustomStringConvertible {
    /// Another update holds the store: exit code `StoreError.busyExitCode`.
    case busy(String)
    case fatal(String)

    public static let busyExitCode: Int32 = 3

    public var description: String {
        switch self {
        case .busy(let message), .fatal(let message): return message
        }
    }
}
