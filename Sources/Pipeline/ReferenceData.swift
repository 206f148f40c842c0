import Foundation
import CSVKit
import Extract
import Normalize
import Compute
import Ingest

/// The user-editable reference files of data/: label synonyms, the gazetteer, the problem
/// taxonomy and the list of page furniture and spam.
public struct ReferenceData: Sendable {
    public let labels: LabelTable
    public let gazetteer: Gazetteer
    public let taxonomy: Taxonomy
    public let noise: NoiseFilter

    public static let fileNames = ["labels.csv", "regions.csv", "region_aliases.csv", "problem_taxonomy.csv", "noise.csv"]

    public init(directory: URL) throws {
        func rows(_ name: String) throws -> [[String]] {
            let url = directory.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw PipelineError.fatal("reference file \(url.path) is missing (set --data to the folder holding \(Self.fileNames.joined(separator: ", ")))")
            }
            do { return try CSV.parse(Array(data)) } catch { throw PipelineError.fatal("\(url.path): \(error)") }
        }
        do {
            labels = try LabelTable(rows: rows("labels.csv"))
            gazetteer = try Gazetteer(regionRows: rows("regions.csv"), aliasRows: rows("region_aliases.csv"))
            taxonomy = try Taxonomy(rows: rows("problem_taxonomy.csv"))
            noise = try NoiseFilter(rows: rows("noise.csv"))
        } catch let error as PipelineError {
            throw error
        } catch {
            throw PipelineError.fatal("\(directory.path): \(error)")
        }
    }

    /// data/ beside the current directory, else the one above the executable's build folder.
    public static func defaultDirectory() -> URL {
        let candidates = [
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("data"),
            URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
                .deletingLastPathComponent().appendingPathComponent("../../../data").standardized,
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("labels.csv").path) } ?? candidates[0]
    }
}

public enum PipelineError: Error, CustomStringConvertible {
    case usage(String)
    case fatal(String)
    public var description: String {
        switch self {
        case .usage(let message), .fatal(let message): return message
        }
    }
}
