import Foundation
import COpenCC
import PerfevalCore

/// Folds traditional Chinese to simplified with OpenCC (`t2s.json`) before extraction, so
/// that 項目支出績效自評表 and 项目支出绩效自评表 are read alike. Only documents written
/// in traditional characters are converted (told by a handful of frequent traditional-only
/// characters of these reports), so ordinary reports pay nothing.
public enum Simplified {
    /// One converter for the process (loading the dictionaries is the expensive part);
    /// conversions are serialized.
    private static let converter: opencc_t? = {
        let handle = opencc_open("t2s.json")
        return handle == opencc_t(bitPattern: -1) ? nil : handle
    }()
    private static let lock = NSLock()

    static let traditionalMarkers: Set<Unicode.Scalar> = Set("績評預執數資項費財務報單發經質時標關與為這個們國會進實現區縣檔總計劃".unicodeScalars)
    /// The markers as bits over the three-byte UTF-8 range (U+0800…U+FFFF), for a byte scan.
    private static let markerBits: [UInt64] = {
        var bits = [UInt64](repeating: 0, count: 1024)
        for scalar in traditionalMarkers where scalar.value <= 0xFFFF { bits[Int(scalar.value) >> 6] |= 1 << UInt64(scalar.value & 63) }
        return bits
    }()

    /// Whether the first 8,000 bytes hold five traditional-only characters: decoded from the
    /// three-byte UTF-8 sequences directly (no String, no hashing).
    static func isTraditional(_ utf8: [UInt8]) -> Bool {
        markerBits.withUnsafeBufferPointer { markerBits in
            utf8.withUnsafeBufferPointer { utf8 in
                var hits = 0
                let end = min(utf8.count, 8_000)
                var index = 0
                while index + 2 < end {
                    let lead = utf8[index]
                    guard lead & 0xF0 == 0xE0 else { index += 1; continue }
                    // The scalar's word of bits from the lead and the second byte, its bit from the third.
                    let word = markerBits[Int(lead & 0x0F) << 6 | Int(utf8[index + 1] & 0x3F)]
                    if word != 0, word & (1 << UInt64(utf8[index + 2] & 0x3F)) != 0 {
                        hits += 1
                        if hits >= 5 { return true }
                    }
                    index += 3
                }
                return false
            }
        }
    }

    /// The text in simplified characters, or unchanged when it is not traditional (or
    /// OpenCC's data is missing: then the text is read as it is).
    public static func fold(_ utf8: [UInt8]) -> (utf8: [UInt8], converted: Bool) {
        guard isTraditional(utf8), let converted = convert(utf8) else { return (utf8, false) }
        return (converted, true)
    }

    /// The text through OpenCC's t2s, whatever it holds; nil without OpenCC's data.
    static func convert(_ utf8: [UInt8]) -> [UInt8]? {
        guard let converter, !utf8.isEmpty else { return converter == nil ? nil : utf8 }
        lock.lock(); defer { lock.unlock() }
        return utf8.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
                guard let output = opencc_convert_utf8(converter, pointer, buffer.count) else { return nil }
                defer { opencc_convert_utf8_free(output) }
                return Array(UnsafeBufferPointer(start: UnsafeRawPointer(output).assumingMemoryBound(to: UInt8.self), count: strlen(output)))
            }
        }
    }
}

extension Simplified {
    /// A document read from a structured format (.docx, .xlsx, PDF, .doc) in traditional
    /// characters: its paragraphs and cells converted one by one, and the simplified form
    /// of its source text kept beside the written one for quoting.
    static func fold(_ document: Document) -> (document: Document, converted: Bool) {
        var texts: [UInt8] = []
        for block in document.blocks where texts.count < 8_000 {
            switch block {
            case .paragraph(let paragraph): texts += paragraph.text.utf8
            case .table(let table): for row in table.rows { for cell in row.cells { texts += cell.text.utf8 } }
            }
        }
        guard isTraditional(texts) else { return (document, false) }
        func convert(_ text: String) -> String { Self.convert(Array(text.utf8)).map { String(decoding: $0, as: UTF8.self) } ?? text }
        var converted = document
        converted.blocks = document.blocks.map { block in
            switch block {
            case .paragraph(var paragraph):
                paragraph.text = convert(paragraph.text)
                return .paragraph(paragraph)
            case .table(var table):
                for row in table.rows.indices {
                    for cell in table.rows[row].cells.indices { table.rows[row].cells[cell].text = convert(table.rows[row].cells[cell].text) }
                }
                return .table(table)
            }
        }
        converted.source = document.source?.simplified { Self.convert($0) ?? $0 }
        return (converted, true)
    }
}
