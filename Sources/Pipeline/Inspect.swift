import Foundation
import PerfevalCore
import Ingest

/// `perfeval inspect FILE`: the document blocks as ingest sees them, one line each with
/// its source line, for checking how a new layout is read.
public enum Inspect {
    public static func describe(path: String, noise: NoiseFilter = .none) throws -> String {
        let bytes: [UInt8]
        do { bytes = try FileReading.read(Array(path.utf8CString), limit: Limits.standard.maxInputBytes) } catch { throw PipelineError.usage("input '\(path)': \(error)") }
        let result = try Ingest.read(bytes: bytes, noise: noise)
        var lines = ["# \(path): \(result.encoding)\(result.truncated ? ", truncated" : "")"]
        for block in result.document.blocks {
            switch block {
            case .paragraph(let paragraph):
                lines.append("P \(paragraph.line): \(paragraph.text)")
            case .table(let table):
                lines.append("T \(table.line): \(table.rows.count) rows")
                for row in table.rows {
                    lines.append("  R \(row.line): " + row.cells.map { $0.text.replacingOccurrences(of: "\n", with: "⏎") }.joined(separator: " | "))
                }
            }
        }
        return lines.joined(separator: "\n")
    }
}
