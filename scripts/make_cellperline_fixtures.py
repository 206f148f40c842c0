#!/usr/bin/env python3
"""Builds Tests/Fixtures/cellperline/*.txt: the real web pages of Tests/Fixtures/webpages
whose tables are `|`-separated rows (web36, web40), rewritten with every cell on its own
line (`cell |`, an empty cell as a lone `|`), as pages copied cell by cell arrive. Each
must give the same records and indicator rows as its row form.
"""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(ROOT, "Tests", "Fixtures", "webpages")
OUT = os.path.join(ROOT, "Tests", "Fixtures", "cellperline")


def cell_per_line(lines):
    out = []
    for line in lines:
        if "|" not in line:
            out.append(line)
            continue
        cells = [cell.strip() for cell in line.split("|")]
        while cells and not cells[-1]:      # the padding `||||` closing a row
            cells.pop()
        out += [cell + " |" if cell else "|" for cell in cells]
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in ["web36.txt", "web40.txt"]:
        lines = open(os.path.join(SOURCE, name), encoding="utf-8").read().splitlines()
        with open(os.path.join(OUT, name), "w", encoding="utf-8") as handle:
            handle.write("\n".join(cell_per_line(lines)) + "\n")
        print(name)


if __name__ == "__main__":
    main()
