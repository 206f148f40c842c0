#!/usr/bin/env bash
# Builds Tests/Fixtures/layout/*.txt: the seed reports as space-aligned text (columns set
# with runs of spaces, no TABs, no pipes), as web pages and PDFs saved as text give them,
# from the committed PDF fixtures through `pdftotext -layout` (poppler-utils).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p Tests/Fixtures/layout
for pdf in Tests/Fixtures/pdf/[0-9]*.pdf; do
  pdftotext -layout -enc UTF-8 "$pdf" - | tr '\f' '\n' > "Tests/Fixtures/layout/$(basename "$pdf" .pdf).txt"
done
ls -l Tests/Fixtures/layout
