import Foundation

enum ReviewPage {
    static func write(to url: URL, folder: URL, tables: [String: ReviewTable], overview: Overview, options: ReviewOptions) throws {
        try Review.writeAtomically(to: url) { try Data("<!doctype html>".utf8).write(to: $0) }
    }
}
