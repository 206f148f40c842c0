#!/usr/bin/env bash
# Builds Tests/Fixtures/ole/*.doc and *.xls (old binary Word/Excel) from the committed .docx
# and .xlsx fixtures with LibreOffice (Debian libreoffice-writer-nogui, libreoffice-calc-nogui);
# a build-time tool only, the fixtures are committed.
set -euo pipefail
cd "$(dirname "$0")/.."
out=Tests/Fixtures/ole
mkdir -p "$out"
soffice --headless --convert-to doc --outdir "$out" Tests/Fixtures/docx/000_*.docx >/dev/null
soffice --headless --convert-to xls --outdir "$out" Tests/Fixtures/xlsx/003_*.xlsx >/dev/null
ls -l "$out"
