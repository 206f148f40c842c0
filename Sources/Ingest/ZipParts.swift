import Foundation
import ZIPFoundation

/// A checked ZIP archive (.docx / .xlsx): its structure validated by `ZipCheck` before
/// ZIPFoundation touches it, its entries indexed by path once (ZIPFoundation's lookup by
/// path walks the whole central directory, which made many-sheet workbooks quadratic), and
/// every part inflated within the limits of size and ratio.
final class ZipParts {
    let archive: Archive
    let limits: Limits
    private let entries: [String: ZIPFoundation.Entry]
    let paths: [String]

    init(bytes: [UInt8], limits: Limits) throws {
        try ZipCheck.check(bytes)
        guard let archive = try? Archive(data: Data(bytes), accessMode: .read) else {
            throw ZipCheck.Failure(why: "not a readable ZIP archive (truncated or damaged)", format: "ZIP archive")
        }
        var entries: [String: ZIPFoundation.Entry] = [:], paths: [String] = []
        for entry in archive where entries[entry.path] == nil {
            entries[entry.path] = entry
            paths.append(entry.path)
        }
        self.archive = archive; self.limits = limits; self.entries = entries; self.paths = paths
    }

    func contains(_ path: String) -> Bool { entries[path] != nil }

    /// The part inflated, stopped as soon as it passes the size or ratio limit.
    func data(_ path: String, format: String) throws -> Data {
        guard let entry = entries[path] else { throw PartFailure(format: format, why: "no \(path) in the archive") }
        let compressed = max(Int(clamping: entry.compressedSize), 1)
        var data = Data()
        do {
            // extract(_:consumer:) returns the CRC-32 but never compares it with the entry's
            // (only FileManager.unzipItem does), and on Linux computes it byte by byte in
            // Swift: a quarter of .docx time for a value thrown away. Skipping it changes nothing.
            _ = try archive.extract(entry, skipCRC32: true) { chunk in
                data.append(chunk)
                if data.count > self.limits.maxInflatedBytes { throw LimitExceeded.inflated(part: path, limit: self.limits.maxInflatedBytes) }
                if data.count > self.limits.ratioFloorBytes, data.count / compressed > self.limits.maxInflationRatio {
                    throw LimitExceeded.ratio(part: path, limit: self.limits.maxInflationRatio)
                }
            }
        } catch let limit as LimitExceeded {
            throw limit
        } catch {
            throw PartFailure(format: format, why: "\(path) cannot be extracted (\(Self.describe(error)))")
        }
        return data
    }

    static func describe(_ error: Error) -> String {
        switch "\(error)" {
        case "invalidCRC32", "checksumMismatch": return "checksum mismatch: the part is damaged"
        case let other where other.contains("corruptedData") || other.contains("unreadable"): return "its compressed data is damaged"
        case let other: return other
        }
    }
}

/// A .docx or .xlsx that is a valid ZIP but whose parts cannot be read; names the format.
struct PartFailure: Error, CustomStringConvertible {
    let format: String
    let why: String
    var description: String { "corrupt \(format): \(why)" }
}
