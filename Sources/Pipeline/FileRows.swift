import Foundation
import Extract
import Normalize
import Emit

/// The reading of `run`, file by file, for a caller that keeps the rows (the store): each
/// file goes through the same ingest → extract → normalize → compute, and comes back as
/// the rows it contributes to each per-report table of `FileRows.layouts`.
public struct FileRows {
    /// The per-report tables (records.csv … warnings.csv), in the order of `rows(of:jobs:)`.
    public static var layouts: [(fileName: String, columns: [Column])] { Tables.layouts }
    /// The comparative tables that `AggregateRun` writes from the per-report ones.
    public static var comparativeFileNames: [String] { Tables.comparativeFileNames }

    let reference: ReferenceData
    let extractor: Extractor
    let normalizer: Normalizer

    public init(reference: ReferenceData) {
        self.reference = reference
        extractor = Extractor(labels: reference.labels)
        normalizer = Normalizer(gazetteer: reference.gazetteer)
    }

    /// For each file, in input order: its rows for each table of `layouts`, read on `jobs` threads.
    public func rows(of files: [InputFile], jobs: Int) -> [[[[CellValue]]]] {
        let outcomes = Pipeline.processAll(files, jobs: jobs) { file in
            Pipeline.process(file, extractor: extractor, normalizer: normalizer, taxonomy: reference.taxonomy, noise: reference.noise)
        }
        return zip(files, outcomes).map { Tables.rows(for: $0, outcome: $1) }
    }
}
