#!/usr/bin/env python3
"""Builds Tests/Fixtures/docx/*.docx from the seed reports (Tika text) with python-docx
(pip install python-docx; a build-time tool only — the fixtures are committed).

The Word files exercise what real ones contain: every paragraph split over several runs
(numbers and labels cut in the middle), vertically merged 一级/二级 indicator cells
(w:vMerge), rows shorter than the table padded by a horizontally merged cell
(w:gridSpan), and problem / measure lists whose numbers (`1、`) are removed from the text
and given by Word's automatic numbering (style "List Number", w:numPr) instead.
"""
import os, re, sys
import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLES = os.path.join(ROOT, "data", "samples")
OUT = os.path.join(ROOT, "Tests", "Fixtures", "docx")
NUMBERED = re.compile(r"^[0-9]{1,2}[、.．]\s*")
BOOKMARK = re.compile(r"\[bookmark: ([^\]]*)\]")


def blocks(text):
    """Tika text → [("p", text) | ("t", rows)], rows of cells (a cell: list of lines)."""
    lines = text.split("\n")
    out, rows, cells, after_blank = [], [], [], False

    def end_row():
        nonlocal cells
        if cells:
            rows.append(cells)
            cells = []

    def end_table():
        nonlocal rows
        end_row()
        if rows:
            out.append(("t", rows))
            rows = []

    def resumes(index):
        blank = 0
        for line in lines[index + 1:index + 41]:
            if not line.strip() and not line.startswith("\t"):
                blank += 1
                if blank >= 2:
                    return False
            elif line.startswith("\t"):
                return True
            else:
                blank = 0
        return False

    for index, line in enumerate(lines):
        if line.startswith("\t"):
            cells.extend([[part.strip()] for part in line[1:].split("\t")])
            after_blank = False
        elif not line.strip():
            end_row()
            after_blank = True
        elif (rows or cells) and not after_blank:
            cells[-1].append(line.strip())
        elif (rows or cells) and resumes(index):
            (cells or rows[-1])[-1].append(line.strip())
            after_blank = False
        else:
            end_table()
            out.append(("p", line.strip()))
            after_blank = False
    end_table()
    return out


def add_bookmarks(paragraph, names):
    """Real Word bookmarks (w:bookmarkStart/End) where Tika wrote `[bookmark: …]`."""
    for number, name in enumerate(names):
        start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
        start.set(qn("w:id"), str(number)); start.set(qn("w:name"), name); end.set(qn("w:id"), str(number))
        paragraph._p.append(start); paragraph._p.append(end)


def add_runs(paragraph, text):
    """The text in three runs cut at fixed fractions (so numbers and labels get split)."""
    add_bookmarks(paragraph, BOOKMARK.findall(text))
    text = BOOKMARK.sub("", text)
    if len(text) < 3:
        paragraph.add_run(text)
        return
    a, b = len(text) // 3, 2 * len(text) // 3
    for part in (text[:a], text[a:b], text[b:]):
        paragraph.add_run(part)


def fill_cell(cell, lines):
    for extra in cell.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    cell.paragraphs[0].text = ""
    add_runs(cell.paragraphs[0], lines[0])
    for line in lines[1:]:
        add_runs(cell.add_paragraph(), line)


def add_table(document, rows):
    width = max(len(row) for row in rows)
    table = document.add_table(rows=len(rows), cols=width)
    for r, row in enumerate(rows):
        for c, lines in enumerate(row):
            fill_cell(table.cell(r, c), lines)
        if len(row) < width:                      # pad: one cell spanning the rest (w:gridSpan)
            table.cell(r, len(row) - 1).merge(table.cell(r, width - 1))
            fill_cell(table.cell(r, len(row) - 1), row[-1])
    # 一级/二级 indicator cells left empty under a filled one: merge them down (w:vMerge).
    for c in (1, 2):
        top = None
        for r, row in enumerate(rows):
            if c >= len(row) or len(row) != width:
                top = None
                continue
            value = "".join(row[c]).strip()
            first = "".join(row[0]).strip()
            if value and not first:
                top = r
            elif not value and top is not None and not first and "".join(row[c + 1]).strip():
                merged = table.cell(top, c).merge(table.cell(r, c))
                fill_cell(merged, rows[top][c])
            else:
                top = None
    return table


def convert(name):
    text = open(os.path.join(SAMPLES, name), encoding="utf-8").read()
    document = docx.Document()
    for kind, value in blocks(text):
        if kind == "t":
            add_table(document, value)
        elif NUMBERED.match(value):                 # automatic numbering instead of typed "1、"
            add_runs(document.add_paragraph(style="List Number"), NUMBERED.sub("", value))
        else:
            add_runs(document.add_paragraph(), value)
    target = os.path.join(OUT, name.replace(".txt", ".docx"))
    document.save(target)
    return target


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in sorted(os.listdir(SAMPLES)):
        print(convert(name))


if __name__ == "__main__":
    sys.exit(main())
