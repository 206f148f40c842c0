import Foundation
import Emit

/// manifest.json: what a run read and produced, for provenance and for the cron job.
enum Manifest {
    static func write(options: RunOptions, summary: RunSummary, totals: RunTotals, directory: URL, timings: [String: Double]) throws {
        let manifest: [String: Any] = [
            "tool": "perfeval",
            "version": Pipeline.version,
            "inputs": options.inputs,
            "data_directory": options.dataDirectory.path,
            "jobs": options.jobs,
            "headers": options.headers.rawValue,
            "encoding": options.encoding.rawValue,
            "files": summary.files,
            "files_processed": summary.files - (summary.rejected - totals.skipped),
            "files_rejected": summary.rejected - totals.skipped,
            "paths_skipped": totals.skipped,
            "records": summary.records,
            "input_bytes": totals.bytes,
            "input_encodings": totals.encodings,
            "outputs": Tables.layouts.map(\.fileName) + Tables.comparativeFileNames,
            "timings_s": timings.mapValues { ($0 * 1000).rounded() / 1000 },
            "finished_at": ISO8601DateFormatter().string(from: Date()),
        ]
        let data = try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys])
        try Emit.writeAtomically(Array(data) + [10], to: directory.appendingPathComponent("manifest.json"))
    }
}
