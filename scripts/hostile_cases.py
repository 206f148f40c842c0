#!/usr/bin/env python3
"""Builds hostile and damaged inputs for perfeval (issue 11), small for the tests or
GB-scale for scripts/hostile.sh:  hostile_cases.py CASE OUT [SIZE]

SIZE is in MB where a case has a size (bombs, text, paragraphs). Python's zipfile writes
the archives; the bombs stream their content, so a 2 GiB part costs no memory here."""
import io, os, random, struct, sys, zipfile

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOOD_DOCX = os.path.join(ROOT, "Tests/Fixtures/docx/000_d5715af45698640f.docx")


def docx(out, body: bytes):
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b'<?xml version="1.0"?><w:document ' + W.encode() + b"><w:body>" + body + b"</w:body></w:document>")


def bomb(out, part, size_mb):
    """One part of SIZE MB of spaces inside valid XML: a few KB of deflate per 10 MB."""
    head, tail = (b"<w:document " + W.encode() + b"><w:body><w:p><w:r><w:t>", b"</w:t></w:r></w:p></w:body></w:document>") \
        if part == "word/document.xml" else (b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>', b"</t></is></c></row></sheetData></worksheet>")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        if part != "word/document.xml":
            z.writestr("xl/workbook.xml", b"<workbook/>")
        with z.open(part, "w", force_zip64=True) as f:
            f.write(head)
            chunk = b" " * (1 << 20)
            for _ in range(size_mb):
                f.write(chunk)
            f.write(tail)


def offset(out):
    """A good .docx whose central directory sends document.xml's local header past the end."""
    data = bytearray(open(GOOD_DOCX, "rb").read())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46: at + 46 + name_len] == b"word/document.xml":
            struct.pack_into("<I", data, at + 42, len(data) + 4096)
        at = data.find(b"PK\x01\x02", at + 4)
    open(out, "wb").write(data)


def xlsx(out, refs, sheets=1):
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", b"<workbook/>")
        for n in range(1, sheets + 1):
            cells = "".join(f'<c r="{r}" t="inlineStr"><is><t>年度资金总额</t></is></c>' for r in refs)
            z.writestr(f"xl/worksheets/sheet{n}.xml", f'<worksheet><sheetData><row r="1">{cells}</row></sheetData></worksheet>')


def paragraphs(out, count):
    """COUNT small paragraphs, streamed (a 1 GiB document.xml deflates to a few MB)."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(b"<w:document " + W.encode() + b"><w:body>")
            block = b"<w:p><w:r><w:t>a</w:t></w:r></w:p>" * 10_000
            for _ in range(count // 10_000):
                f.write(block)
            f.write(b"</w:body></w:document>")


def large_docx(out, size_mb):
    """The good .docx padded to a document.xml of about SIZE MB of varied text (hex digits,
    which deflate like real text): a large real report, not a bomb; it must be read."""
    with zipfile.ZipFile(GOOD_DOCX) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                pad = b"".join(b"<w:p><w:r><w:t>" + os.urandom(100).hex().encode() + b"</w:t></w:r></w:p>" for _ in range((size_mb << 20) // 234))
                data = data.replace(b"</w:body>", pad + b"</w:body>")
            z.writestr(item.filename, data)


def truncated(out):
    """The good .docx with its document.xml cut in half (re-zipped, so the ZIP is valid)."""
    with zipfile.ZipFile(GOOD_DOCX) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            data = src.read(item)
            z.writestr(item.filename, data[: len(data) // 2] if item.filename == "word/document.xml" else data)


def text(out, size_mb, line=b"\t\n"):
    with open(out, "wb") as f:
        chunk = line * ((1 << 20) // len(line))
        for _ in range(size_mb):
            f.write(chunk)


def long_text(out, size_mb):
    """SIZE MB of long lines of varied Chinese text: the most a text within the limits costs."""
    rng = random.Random(1)
    with open(out, "w", encoding="utf-8") as f:
        while f.tell() < size_mb << 20:
            f.write("".join(rng.choice("预算执行绩效评价项目资金管理0123456789 ") for _ in range(2000)) + "\n")


def records_csv(folder, size_mb):
    """An output folder whose records.csv is SIZE MB of plausible rows (for `aggregate`)."""
    os.makedirs(folder, exist_ok=True)
    header = "\ufefffile,kind,project,agency,province,prefecture,county,region_code,year,budget_full_wan,executed_wan,execution_rate_pct,score_total,grade,staff_actual,basic_exp_wan,project_exp_wan,personnel_share_pct,audit_findings\r\n"
    rng = random.Random(7)
    counties = [("湖南省", "岳阳市", f"县{n}", f"4306{n:02d}") for n in range(1, 60)]
    with open(os.path.join(folder, "records.csv"), "w", encoding="utf-8", newline="") as f:
        f.write(header)
        written, n = 0, 0
        while written < size_mb << 20:
            p, c, county, code = rng.choice(counties)
            row = (f"batch/{n:09d}_report.docx,dept,,{county}档案馆{n % 5000},{p},{c},{county},{code},{2019 + n % 6},"
                   f"{rng.randint(10, 99999)}.{rng.randint(0, 99):02d},{rng.randint(10, 99999)}.{rng.randint(0, 99):02d},"
                   f"{rng.randint(50, 100)}.{rng.randint(0, 99):02d},{rng.randint(60, 100)},优,{rng.randint(5, 90)},"
                   f"{rng.randint(10, 999)}.00,{rng.randint(10, 999)}.00,{rng.randint(30, 90)}.00,{n % 3}\r\n")
            f.write(row); written += len(row.encode()); n += 1
    for name, head in (("problems.csv", "file,categories"), ("audits.csv", "file,project,check,status")):
        with open(os.path.join(folder, name), "w", encoding="utf-8", newline="") as f:
            f.write("\ufeff" + head + "\r\n")


def slow_pdf(out, pages):
    """PAGES pages sharing one content stream of many text operations: each page redraws
    it, so pdftotext takes minutes (the cross-reference table is left for poppler to rebuild)."""
    ops = b"BT /F1 1 Tf " + b" ".join(b"%d %d Td (x) Tj" % (i % 50, i % 70) for i in range(20_000)) + b" ET"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (5 + i) for i in range(pages)) + b"] /Count %d >>" % pages,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            b"<< /Length %d >>\nstream\n" % len(ops) + ops + b"\nendstream"]
    objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"] * pages
    with open(out, "wb") as f:
        f.write(b"%PDF-1.4\n")
        offsets = []
        for number, body in enumerate(objs, 1):
            offsets.append(f.tell())
            f.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
        xref = f.tell()
        f.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets))
        f.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))


if __name__ == "__main__":
    case, out = sys.argv[1], sys.argv[2]
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    {
        "offset": lambda: offset(out),
        "docx-bomb": lambda: bomb(out, "word/document.xml", size or 80),
        "xlsx-bomb": lambda: bomb(out, "xl/worksheets/sheet1.xml", size or 80),
        "xlsx-columns": lambda: xlsx(out, ["XFDXFDXFDXFDXFD1", "AAAAAAAA1", "AAAAAA1", "A1"]),
        "xlsx-sheets": lambda: xlsx(out, ["A1"], sheets=size or 5000),
        "paragraphs": lambda: paragraphs(out, (size or 1) * 1_000_000),
        "large-docx": lambda: large_docx(out, size or 10),
        "truncated-docx": lambda: truncated(out),
        "tab-lines": lambda: text(out, size or 100),
        "records-csv": lambda: records_csv(out, size or 2048),
        "slow-pdf": lambda: slow_pdf(out, size or 2000),
        "long-text": lambda: long_text(out, size or 15),
    }[case]()
