#!/usr/bin/env python3
"""Builds Tests/Fixtures/xlsx/*.xlsx: the self-evaluation forms (自评表) of seeds 000 and 003
as Excel workbooks, with openpyxl (a build-time tool; the fixtures are committed).

One sheet per workbook; title lines become rows merged across the form's width; the 一级 /
二级 indicator cells that Tika shows empty under their first row are merged down (Excel
keeps the value in the top-left cell only); numbers are stored as numbers, the rest as
shared strings.
"""
import os
import importlib.util
import openpyxl

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
spec = importlib.util.spec_from_file_location("docx_fixtures", os.path.join(ROOT, "scripts", "make_docx_fixtures.py"))
SAMPLES = os.path.join(ROOT, "data", "samples")
OUT = os.path.join(ROOT, "Tests", "Fixtures", "xlsx")
# The form part of each seed: seed 000's report text after 附件3 is not in a workbook.
FORMS = {"000_d5715af45698640f.txt": "附件3", "003_9b3ab8e5931ca96a.txt": None}


def value(text):
    try:
        number = float(text)
        return int(number) if number.is_integer() and "." not in text else number
    except ValueError:
        return text


def merge_down(sheet, rows, first, c):
    """Merges each filled indicator cell of column c with the empty ones under it."""
    def text(row, column):
        return "".join(row[column]).strip() if column < len(row) else ""
    top = last = None
    for offset, row in enumerate(rows + [[]]):
        continues = top is not None and len(row) >= 8 and not text(row, c) and text(row, c + 1) and not text(row, 0)
        if continues:
            last = first + offset
            continue
        if top is not None and last is not None:
            sheet.merge_cells(start_row=top, start_column=c + 1, end_row=last, end_column=c + 1)
        top = first + offset if len(row) >= 8 and text(row, c) else None
        last = None


def main():
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    os.makedirs(OUT, exist_ok=True)
    for name, stop in FORMS.items():
        text = open(os.path.join(SAMPLES, name), encoding="utf-8").read()
        if stop:
            text = text[:text.index(stop)]
        blocks = module.blocks(text)
        width = max(len(row) for kind, rows in blocks if kind == "t" for row in rows)
        book = openpyxl.Workbook()
        sheet = book.active
        r = 1
        for kind, content in blocks:
            if kind == "p":
                sheet.cell(row=r, column=1, value=content)
                sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
                r += 1
                continue
            first = r
            for row in content:
                for c, lines in enumerate(row):
                    cell_text = "\n".join(lines).strip()
                    if cell_text:
                        sheet.cell(row=r, column=c + 1, value=value(cell_text))
                r += 1
            for c in (1, 2):   # merge empty 一级/二级 cells into the filled one above
                merge_down(sheet, content, first, c)
        target = os.path.join(OUT, name.replace(".txt", ".xlsx"))
        book.save(target)
        print(target)


if __name__ == "__main__":
    main()
