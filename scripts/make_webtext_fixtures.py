#!/usr/bin/env python3
"""Builds Tests/Fixtures/webtext/*.txt: the seed reports as they look when copied from a
government web page — no TABs, each table row on one line with ` | ` between cells, the
cells merged over the left columns missing (a merged 一级指标 cell appears only on its
first row), and rows padded with trailing `||||` as page scrapers write them.
"""
import os
import importlib.util

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
spec = importlib.util.spec_from_file_location("docx_fixtures", os.path.join(ROOT, "scripts", "make_docx_fixtures.py"))
SAMPLES = os.path.join(ROOT, "data", "samples")
OUT = os.path.join(ROOT, "Tests", "Fixtures", "webtext")


def tika_blocks(text):
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)   # reuses its Tika-text reader; python-docx is imported there
    return module.blocks(text)


def row_line(cells, width):
    texts = ["".join(lines).strip() for lines in cells]
    while texts and not texts[0]:          # merged cells on the left are not written
        texts.pop(0)
    return " | ".join(texts) + " |" + "|" * max(0, width - len(cells))


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in sorted(os.listdir(SAMPLES)):
        text = open(os.path.join(SAMPLES, name), encoding="utf-8").read()
        out = []
        for kind, value in tika_blocks(text):
            if kind == "p":
                out.append(value)
            else:
                width = max(len(row) for row in value)
                out.extend(row_line(row, width) for row in value)
        open(os.path.join(OUT, name), "w", encoding="utf-8").write("\n".join(out) + "\n")
        print(os.path.join(OUT, name))


if __name__ == "__main__":
    main()
