import Foundation
import PerfevalCore
import CSVKit

/// A CSV table of the output folder, read back through libcsv.
struct TableFile {
    let url: URL
    let table: ReviewTable

    init?(folder: URL, table: ReviewTable) {
        url = folder.appendingPathComponent(table.fileName)
        self.table = table
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
    }

    /// Streams the header row, then every data row, to `body`. UTF-8 tables (with BOM)
    /// are streamed; GB18030 tables are converted whole first.
    func forEachRow(_ body: @escaping (_ cells: [String], _ isHeader: Bool) -> Void) throws {
        var header = true
        let handler: ([String]) -> Void = { cells in
            body(cells, header)
            header = false
        }
        if try isUTF8() {
            try CSV.forEachRow(inFile: url.path, handler)
        } else {
            let bytes = Array(try Data(contentsOf: url))
            try CSV.forEachRow(try Iconv.convert(bytes, from: "GB18030", to: "UTF-8").bytes, handler)
        }
    }

    private func isUTF8() throws -> Bool {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        let head = handle.readData(ofLength: 3)
        return head.isEmpty || Array(head) == [0xEF, 0xBB, 0xBF]
    }

    /// The whole table as rows keyed by English column name (for the small comparative tables).
    func namedRows(where keep: @escaping ([String: String]) -> Bool = { _ in true }) throws -> [[String: String]] {
        let names = table.englishNames
        var keys: [String] = []
        var rows: [[String: String]] = []
        try forEachRow { cells, isHeader in
            if isHeader { keys = cells.map { names[$0] ?? $0 }; return }
            let row = Dictionary(zip(keys, cells), uniquingKeysWith: { first, _ in first })
            if keep(row) { rows.append(row) }
        }
        return rows
    }

    /// The cells of `columns` (English names; "" when absent) of every row that `keep` admits.
    func select(_ columns: [String], where keep: @escaping ([String]) -> Bool = { _ in true }) throws -> [[String]] {
        let names = table.englishNames
        var positions: [Int?] = []
        var rows: [[String]] = []
        try forEachRow { cells, isHeader in
            if isHeader {
                let english = cells.map { names[$0] ?? $0 }
                positions = columns.map { english.firstIndex(of: $0) }
                return
            }
            let picked = positions.map { position in position.flatMap { $0 < cells.count ? cells[$0] : nil } ?? "" }
            if keep(picked) { rows.append(picked) }
        }
        return rows
    }

    /// Number of data rows.
    func rowCount() throws -> Int {
        var count = -1
        try forEachRow { _, _ in count += 1 }
        return max(count, 0)
    }

    /// Number of data rows whose `column` (English name) holds `value`.
    func rowCount(where column: String, is value: String) throws -> Int {
        let names = table.englishNames
        var position: Int?
        var count = 0
        try forEachRow { cells, isHeader in
            if isHeader { position = cells.firstIndex { names[$0] == column }; return }
            if let position, position < cells.count, cells[position] == value { count += 1 }
        }
        return count
    }
}
