#!/usr/bin/env python3
"""Rewrites Tika-text reports one cell per line, without TABs or pipes, as web pages that
copied a form cell by cell give them (a blank line after each row).

usage: make_onecell_fixtures.py REPORT... --out DIR
"""
import os
import sys


def one_cell_per_line(text):
    out, row = [], []

    def flush():
        if row:
            out.extend([" ".join(cell.split()) for cell in row] + [""])
            row.clear()

    for line in text.split("\n"):
        if line.startswith("\t"):
            row.append(line[1:].strip())
        elif not line.strip():
            flush()
        elif row:
            row[-1] += line.strip()   # a cell continued over lines
        else:
            out.append(line)
    flush()
    return "\n".join(out)


def main():
    args = sys.argv[1:]
    out = args[args.index("--out") + 1]
    reports = [a for a in args if a != "--out" and a != out]
    os.makedirs(out, exist_ok=True)
    for path in reports:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with open(os.path.join(out, os.path.basename(path)), "w", encoding="utf-8") as f:
            f.write(one_cell_per_line(text))


if __name__ == "__main__":
    main()
