#!/usr/bin/env python3
"""Builds Tests/Fixtures/pdf/*.pdf from the seed reports with reportlab and the WenQuanYi
Zen Hei font (Debian fonts-wqy-zenhei); build-time tools only, the fixtures are committed.

Paragraphs are lines of text; each table row is one line of cells drawn at the x position
of its column (as a form's grid would place them), so that `pdftotext -layout` gives
space-aligned columns, with empty cells as gaps. Also writes scan.pdf (a page with no text
layer, as a scanned report has) and encrypted.pdf (password-protected).
"""
import os
import importlib.util
from reportlab.pdfgen import canvas
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
spec = importlib.util.spec_from_file_location("docx_fixtures", os.path.join(ROOT, "scripts", "make_docx_fixtures.py"))
SAMPLES = os.path.join(ROOT, "data", "samples")
OUT = os.path.join(ROOT, "Tests", "Fixtures", "pdf")
FONT_SIZE, LINE = 9, 14
pdfmetrics.registerFont(TTFont("ZenHei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", subfontIndex=0))


def width(text):
    return pdfmetrics.stringWidth(text, "ZenHei", FONT_SIZE)


def convert(module, name):
    text = open(os.path.join(SAMPLES, name), encoding="utf-8").read()
    blocks = module.blocks(text)
    lines = []   # (kind, content)
    for kind, content in blocks:
        if kind == "p":
            lines.append(("p", content))
        else:
            cells = [["".join(cell).replace(" ", "") for cell in row] for row in content]
            columns = max(len(row) for row in cells)
            widths = [max((width(row[c]) for row in cells if c < len(row)), default=0) + 18 for c in range(columns)]
            lines.append(("t", (cells, widths)))
    page_width = max([width(c) + 80 for k, c in lines if k == "p"] + [sum(c[1]) + 80 for k, c in lines if k == "t"])
    rows = sum(1 if k == "p" else len(c[0]) for k, c in lines)
    page_height = rows * LINE + 80
    target = os.path.join(OUT, name.replace(".txt", ".pdf"))
    pdf = canvas.Canvas(target, pagesize=(page_width, page_height))
    pdf.setFont("ZenHei", FONT_SIZE)
    y = page_height - 40
    for kind, content in lines:
        if kind == "p":
            pdf.drawString(40, y, content)
            y -= LINE
            continue
        cells, widths = content
        for row in cells:
            x = 40
            for c, cell in enumerate(row):
                if cell:
                    pdf.drawString(x, y, cell)
                x += widths[c]
            y -= LINE
        y -= LINE / 2
    pdf.save()
    return target


def main():
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    os.makedirs(OUT, exist_ok=True)
    for name in sorted(os.listdir(SAMPLES)):
        print(convert(module, name))
    scan = canvas.Canvas(os.path.join(OUT, "scan.pdf"), pagesize=(400, 300))
    scan.rect(50, 50, 300, 200, fill=1)   # a picture of a page, no text
    scan.save()
    locked = canvas.Canvas(os.path.join(OUT, "encrypted.pdf"), pagesize=(400, 300), encrypt="secret")
    locked.setFont("ZenHei", FONT_SIZE)
    locked.drawString(40, 200, "部门整体支出绩效自评报告")
    locked.save()


if __name__ == "__main__":
    main()
