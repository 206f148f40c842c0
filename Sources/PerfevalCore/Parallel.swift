import Dispatch
import Foundation

public enum Parallel {
    /// Calls `body` once for each index `0..<count` on up to `jobs` threads; each thread takes
    /// the next index when it finishes one, so long and short items share the threads evenly.
    public static func forEachIndex(_ count: Int, jobs: Int, _ body: (Int) -> Void) {
        guard count > 0 else { return }
        let lock = NSLock()
        var next = 0
        DispatchQueue.concurrentPerform(iterations: min(max(jobs, 1), count)) { _ in
            while true {
                lock.lock()
                let index = next
                next += 1
                lock.unlock()
                guard index < count else { return }
                body(index)
            }
        }
    }

    /// `body` of each index `0..<count` on up to `jobs` threads; the results in index order.
    public static func map<Result>(_ count: Int, jobs: Int, _ body: (Int) -> Result) -> [Result] {
        var results = [Result?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { buffer in
            let slots = buffer
            forEachIndex(count, jobs: jobs) { slots[$0] = body($0) }
        }
        return results.map { $0! }
    }

    /// `forEachIndex` of a body that may fail: every index is run, then the error of the
    /// lowest index that failed is thrown (the same one whatever the timing).
    public static func forEachIndex(_ count: Int, jobs: Int, _ body: (Int) throws -> Void) throws {
        let failures = map(count, jobs: jobs) { index -> Error? in
            do { try body(index); return nil } catch { return error }
        }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
    }
}
