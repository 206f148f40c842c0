import Foundation
import Emit

/// The two files a reviewer opens, built from the CSV tables already in an output folder
/// (read back through libcsv; nothing is computed a second time): `review.xlsx` (one sheet
/// per table behind an overview sheet with native charts) and `review.html` (a
/// self-contained page: headline figures, SVG charts, rankings, findings, recurring problems).
public enum Review {
    public static let workbookName = "review.xlsx"
    public static let pageName = "review.html"

    /// Writes both files into `outputFolder` from the tables of `tables` found there
    /// (absent tables are skipped: an `aggregate` folder holds only the comparative ones).
    public static func write(outputFolder: URL, tables: [ReviewTable], options: ReviewOptions) throws {
        guard options.workbook || options.page else { return }
        let byName = Dictionary(tables.map { ($0.fileName, $0) }, uniquingKeysWith: { first, _ in first })
        let overview = try Overview(folder: outputFolder, tables: byName, options: options)
        if options.workbook {
            try ReviewWorkbook.write(to: outputFolder.appendingPathComponent(workbookName), folder: outputFolder,
                                     tables: tables, overview: overview, options: options)
        }
        if options.page {
            try ReviewPage.write(to: outputFolder.appendingPathComponent(pageName), folder: outputFolder,
                                 tables: tables, overview: overview, options: options)
        }
    }

    /// Runs `body` on a temporary path beside `url`, then renames the result into place,
    /// so a reader never sees half a file.
    static func writeAtomically(to url: URL, _ body: (URL) throws -> Void) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        do {
            try body(temporary)
            guard rename(temporary.path, url.path) == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path]) }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}
