#!/usr/bin/env bash
# Installs what perfeval needs on a Debian machine with Swift: libcsv-dev (the CSV library)
# libopencc-dev (traditional → simplified Chinese), poppler-utils (pdftotext, for PDF reports),
# antiword and catdoc (old .doc / .xls reports), libxlsxwriter-dev (review.xlsx), libsqlite3-dev (the
# store of `perfeval update`), libmimalloc-dev (the allocator); for the tests of the review files: chromium (renders review.html) and
# python3-openpyxl (reads review.xlsx back).
set -euo pipefail
missing=()
[ -f /usr/include/csv.h ] || missing+=(libcsv-dev)
[ -f /usr/include/opencc/opencc.h ] || missing+=(libopencc-dev)
[ -f /usr/include/sqlite3.h ] || missing+=(libsqlite3-dev)
[ -f /usr/include/mimalloc.h ] || missing+=(libmimalloc-dev)   # the CLI's allocator
command -v pdftotext >/dev/null || missing+=(poppler-utils)   # PDF reports
command -v antiword >/dev/null || missing+=(antiword)         # old Word .doc
command -v xls2csv >/dev/null || missing+=(catdoc)            # old Excel .xls (and .doc fallback)
[ -f /usr/include/xlsxwriter.h ] || missing+=(libxlsxwriter-dev)  # review.xlsx
command -v chromium >/dev/null || missing+=(chromium)         # test: review.html in headless Chromium
/usr/bin/python3 -c 'import openpyxl' 2>/dev/null || missing+=(python3-openpyxl)  # test: review.xlsx read back
{ command -v fc-list >/dev/null && fc-list :lang=zh | grep -q .; } || missing+=(fonts-wqy-zenhei)  # Chinese glyphs in the page's screenshot
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "setup: swift is not on PATH (install Swift 6 first)" >&2; exit 2; }
