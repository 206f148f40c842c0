import Foundation

/// review.html: one self-contained page (inline CSS and SVG, no script, no network) read
/// top to bottom: headline figures, the charts, the rankings, the agencies with audit
/// findings (each with its file and source line) and the recurring problems. Long tables
/// stop at `pageRows` rows with a link to their CSV.
struct ReviewPage {
    let folder: URL
    let ordered: [ReviewTable]
    let overview: Overview
    let options: ReviewOptions

    static let findingsPerRecord = 20

    static func write(to url: URL, folder: URL, tables: [ReviewTable], overview: Overview, options: ReviewOptions) throws {
        let page = ReviewPage(folder: folder, ordered: tables, overview: overview, options: options)
        let html = try page.render()
        try Review.writeAtomically(to: url) { try Data(html.utf8).write(to: $0) }
    }

    func file(_ name: String) -> TableFile? {
        ordered.first { $0.fileName == name }.flatMap { TableFile(folder: folder, table: $0) }
    }

    func render() throws -> String {
        var body = header() + figures() + years()
        body += section("图表", overview.charts.map { SVGChart($0).render() }.joined())
        body += try rankings() + findings() + recurring() + tableList()
        return Self.document(title: "绩效自评复核", body: body)
    }

    // MARK: sections

    func header() -> String {
        "<header><h1>绩效自评复核</h1><p>数字均取自本文件夹的 CSV 表格；图表和排名为\(escape(overview.focusText))，"
            + "地区层级：\(escape(Labels.level(overview.level)))。</p></header>"
    }

    func figures() -> String {
        guard !overview.figures.isEmpty else { return "" }
        let cards = overview.figures.map { "<div class=\"figure\"><span class=\"value\">\($0.value)</span><span class=\"label\">\(escape($0.label))</span></div>" }
        return section("主要数字", "<div class=\"figures\">" + cards.joined() + "</div>")
    }

    func years() -> String {
        let columns = OverviewSheet.yearColumns
        let rows = overview.years.map { pair in
            columns.map { spec -> String in
                let value = (spec.3 ? pair.scores : pair.execution)[spec.1] ?? ""
                return spec.1 == "kind" ? Labels.kind(value) : value
            }
        }
        return section("各年度汇总（全部地区）", Self.table(columns.map(\.0), rows, numeric: Set(2..<columns.count)))
    }

    /// The execution ranking of the chosen level in the focus year, one table per kind.
    func rankings() throws -> String {
        guard let execution = file("compare_execution.csv") else { return "" }
        let keys = ["kind", "rank", "region_name", "region_code", "records", "agencies", "rate_mean_pct", "rate_weighted_pct",
                    "rate_min_pct", "below_90"]
        let rows = try execution.select(keys + ["level", "year"]) { [overview] in $0[10] == overview.level && $0[11] == overview.focusYear }
        let scores = try file("compare_scores.csv")?.select(["kind", "region_code", "region_name", "score_mean", "level", "year"]) { [overview] in
            $0[4] == overview.level && $0[5] == overview.focusYear
        } ?? []
        var meanScore: [String: String] = [:]
        for row in scores { meanScore[row[0] + "\u{1}" + row[1] + "\u{1}" + row[2]] = row[3] }
        var html = ""
        for kind in ["dept", "project"] {
            let ranked = rows.filter { $0[0] == kind }.sorted { (Int($0[1]) ?? Int.max, $0[3]) < (Int($1[1]) ?? Int.max, $1[3]) }
            guard !ranked.isEmpty else { continue }
            let cells = ranked.prefix(options.pageRows).map { row in
                Array(row[1...2]) + Array(row[4...9]) + [meanScore[row[0] + "\u{1}" + row[3] + "\u{1}" + row[2]] ?? ""]
            }
            let headers = ["排名", "地区", "记录数", "单位数", "平均执行率（%）", "加权执行率（%）", "最低执行率（%）", "执行率低于90%记录数", "平均得分"]
            html += "<h3>\(escape(Labels.kind(kind)))</h3>" + Self.table(headers, cells, numeric: Set([0] + Array(2..<9)))
                + more(ranked.count, "compare_execution.csv")
        }
        return section("执行率排名 · 各\(Labels.level(overview.level)) · \(overview.focusYear)年", html)
    }

    /// Records with audit findings, most findings first, each finding with file and line.
    func findings() throws -> String {
        guard let records = file("records.csv"), let audits = file("audits.csv") else {
            return section("有审核发现的单位", "<p>本文件夹没有 records.csv 和 audits.csv（由 perfeval run 写出）。</p>")
        }
        let flagged = try records.select(["file", "project", "agency", "year", "kind", "score_total", "audit_findings"]) { (Int($0[6]) ?? 0) > 0 }
        let shown = flagged.enumerated().sorted { (-(Int($0.element[6]) ?? 0), $0.offset) < (-(Int($1.element[6]) ?? 0), $1.offset) }
            .prefix(options.pageRows).map(\.element)
        var wanted = Set(shown.map { $0[0] + "\u{1}" + $0[1] })
        var found: [String: [[String]]] = [:]
        let rows = try audits.select(["file", "project", "check", "expected", "found", "detail", "source_line", "status"]) { row in
            row[7] == "finding" && wanted.contains(row[0] + "\u{1}" + row[1])
        }
        for row in rows where found[row[0] + "\u{1}" + row[1], default: []].count < Self.findingsPerRecord {
            found[row[0] + "\u{1}" + row[1], default: []].append(row)
        }
        wanted.removeAll()
        let blocks = shown.map { record in findingBlock(record, found[record[0] + "\u{1}" + record[1]] ?? []) }
        let intro = "<p>共 \(flagged.count) 条评价记录有审核发现，按发现数从多到少列出。</p>"
        return section("有审核发现的单位", intro + blocks.joined() + more(flagged.count, "audits.csv"))
    }

    func findingBlock(_ record: [String], _ rows: [[String]]) -> String {
        let title = [record[2].isEmpty ? "（未识别单位）" : record[2], record[1], record[3].isEmpty ? "" : record[3] + "年",
                     Labels.kind(record[4]), record[5].isEmpty ? "" : "自评 \(record[5]) 分"].filter { !$0.isEmpty }
        let cells = rows.map { row in [Labels.check(row[2]), row[5], row[3], row[4], row[0] + (row[6].isEmpty ? "" : "：第 \(row[6]) 行")] }
        let count = Int(record[6]) ?? rows.count
        let extra = count > rows.count ? "<p class=\"more\">另有 \(count - rows.count) 条，见 audits.csv。</p>" : ""
        return "<div class=\"agency\"><h3>\(escape(title.joined(separator: " · "))) <span class=\"count\">\(count) 条发现</span></h3>"
            + Self.table(["审核项", "说明", "应为", "实为", "来源（文件：行）"], cells, numeric: []) + extra + "</div>"
    }

    /// Agency × category reported in two or more consecutive years, longest runs first.
    func recurring() throws -> String {
        guard let table = file("recurring.csv") else { return "" }
        let rows = try table.select(["agency", "region_code", "category", "years", "year_count", "longest_run"]) { (Int($0[5]) ?? 0) >= 2 }
        let sorted = rows.enumerated().sorted { (-(Int($0.element[5]) ?? 0), $0.offset) < (-(Int($1.element[5]) ?? 0), $1.offset) }.map(\.element)
        let cells = sorted.prefix(options.pageRows).map { row in
            [row[0], row[1], options.categoryNames[row[2]] ?? row[2], row[3].replacingOccurrences(of: ";", with: "、"), row[4], row[5]]
        }
        let body = sorted.isEmpty ? "<p>没有单位在连续两年以上反映同一类问题。</p>"
            : Self.table(["单位名称", "行政区划代码", "问题类别", "反映年度", "年度数", "最长连续年数"], cells, numeric: [4, 5])
        return section("反复出现的问题（连续两年以上）", body + more(sorted.count, "recurring.csv"))
    }

    func tableList() throws -> String {
        let items = ordered.filter { TableFile(folder: folder, table: $0) != nil }.map { table in
            "<li><a href=\"\(escape(table.fileName))\">\(escape(table.fileName))</a> · \(escape(table.sheetZh))</li>"
        }
        return section("全部表格（CSV）", "<ul class=\"files\">" + items.joined() + "</ul>")
    }

    func more(_ total: Int, _ csv: String) -> String {
        total > options.pageRows
            ? "<p class=\"more\">共 \(total) 行，此处列出前 \(options.pageRows) 行；完整数据见 <a href=\"\(escape(csv))\">\(escape(csv))</a>。</p>" : ""
    }

    // MARK: markup

    func section(_ title: String, _ body: String) -> String {
        "<section><h2>\(escape(title))</h2>\(body)</section>"
    }

    static func table(_ headers: [String], _ rows: [[String]], numeric: Set<Int>) -> String {
        let head = headers.map { "<th>\(escape($0))</th>" }.joined()
        let body = rows.map { row in
            "<tr>" + row.enumerated().map { numeric.contains($0.offset) ? "<td class=\"num\">\(escape($0.element))</td>" : "<td>\(escape($0.element))</td>" }.joined() + "</tr>"
        }.joined()
        return "<table><thead><tr>\(head)</tr></thead><tbody>\(body)</tbody></table>"
    }

    static func document(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>\(style)</style>
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }

    static let style = """
    body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC","WenQuanYi Zen Hei",sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
    h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;border-bottom:2px solid #4472c4;padding-bottom:4px;margin-top:32px}
    h3{font-size:16px;margin:18px 0 6px}.count{color:#c00;font-weight:normal;font-size:14px}
    .figures{display:flex;flex-wrap:wrap;gap:12px}.figure{border:1px solid #ccd;border-radius:6px;padding:10px 16px;min-width:120px}
    .figure .value{display:block;font-size:26px;font-weight:bold;color:#2f5597}.figure .label{color:#555}
    table{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0}th,td{border:1px solid #ccd;padding:4px 6px;text-align:left;vertical-align:top}
    th{background:#ddebf7}td.num{text-align:right;font-variant-numeric:tabular-nums}tbody tr:nth-child(even){background:#f7f9fc}
    figure.chart{margin:16px 0}figure.chart figcaption{font-weight:bold;margin-bottom:4px}svg{max-width:100%;height:auto}
    .more{color:#555;font-size:13px}.agency{margin-bottom:12px}ul.files{columns:2}
    @page{size:A4;margin:15mm}
    @media print{body{max-width:none;margin:0;font-size:11pt}h2{break-after:avoid}figure.chart,tr,.figure{break-inside:avoid}
    thead{display:table-header-group}a{color:inherit;text-decoration:none}tbody tr:nth-child(even){background:none}}
    """
}

/// A horizontal bar chart as inline SVG.
struct SVGChart {
    let chart: Overview.Chart
    init(_ chart: Overview.Chart) { self.chart = chart }

    static let width = 760, labelWidth = 250, barHeight = 22, gap = 6, top = 8, valueWidth = 70

    func render() -> String {
        let caption = "<figcaption>\(escape(chart.title))</figcaption>"
        guard !chart.bars.isEmpty else { return "<figure class=\"chart\">\(caption)<p>\(escape(chart.note ?? "（无数据）"))</p></figure>" }
        let maximum = max(chart.bars.map(\.value).max() ?? 0, chart.valueName.contains("%") ? 100 : 1)
        let span = Double(Self.width - Self.labelWidth - Self.valueWidth)
        let height = Self.top * 2 + chart.bars.count * (Self.barHeight + Self.gap)
        let bars = chart.bars.enumerated().map { index, bar -> String in
            let y = Self.top + index * (Self.barHeight + Self.gap)
            let length = Int((bar.value / maximum * span).rounded())
            let label = bar.label.count > 16 ? String(bar.label.prefix(15)) + "…" : bar.label
            return "<g><title>\(escape(bar.label))：\(escape(bar.text))</title>"
                + "<text x=\"\(Self.labelWidth - 8)\" y=\"\(y + 16)\" text-anchor=\"end\">\(escape(label))</text>"
                + "<rect x=\"\(Self.labelWidth)\" y=\"\(y)\" width=\"\(max(length, 1))\" height=\"\(Self.barHeight)\" fill=\"#4472c4\"/>"
                + "<text x=\"\(Self.labelWidth + length + 6)\" y=\"\(y + 16)\">\(escape(bar.text))</text></g>"
        }
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"\(escape(chart.title))\" width=\"\(Self.width)\" height=\"\(height)\" "
            + "viewBox=\"0 0 \(Self.width) \(height)\" font-size=\"13\">" + bars.joined() + "</svg>"
        let note = chart.note.map { "<p class=\"more\">\(escape($0))</p>" } ?? ""
        return "<figure class=\"chart\">\(caption)\(svg)\(note)</figure>"
    }
}

/// Text for HTML: every cell passes through here.
func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(character)
        }
    }
    return out
}
