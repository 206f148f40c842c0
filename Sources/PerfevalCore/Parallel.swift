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
}
