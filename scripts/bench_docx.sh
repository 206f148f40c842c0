#!/usr/bin/env bash
# .docx reading throughput: scripts/bench_docx.sh [COPIES]  (default 200 copies of each fixture)
# perfeval (full pipeline, --jobs 1) against python-docx merely opening the same files and
# reading every paragraph and table cell (pip install python-docx).
# BENCH_BINARY=path times that binary instead of building one (to compare two builds).
set -euo pipefail
cd "$(dirname "$0")/.."
copies=${1:-200}
dir=${BENCH_DIR:-/tmp/perfeval-docx-bench}
rm -rf "$dir" && mkdir -p "$dir/in"
for i in $(seq 1 "$copies"); do
  for f in Tests/Fixtures/docx/*.docx; do cp "$f" "$dir/in/$(basename "$f" .docx)-$i.docx"; done
done
files=$(ls "$dir/in" | wc -l); mb=$(du -sm "$dir/in" | cut -f1)
binary=${BENCH_BINARY:-.build-bench/release/perfeval}
[ -n "${BENCH_BINARY:-}" ] || swift build -c release --scratch-path .build-bench >/dev/null 2>&1
python3 -c "import docx" 2>/dev/null || pip install -q python-docx
start=$(date +%s.%N)
"$binary" run "$dir/in" --out "$dir/out" --jobs 1 --quiet --no-xlsx --no-html || [ $? -eq 1 ]
perfeval_s=$(echo "$(date +%s.%N) - $start" | bc -l)
start=$(date +%s.%N)
python3 - "$dir/in" <<'PY'
import os, sys, docx
chars = 0
for name in sorted(os.listdir(sys.argv[1])):
    document = docx.Document(os.path.join(sys.argv[1], name))
    chars += sum(len(p.text) for p in document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            chars += sum(len(cell.text) for cell in row.cells)
PY
python_s=$(echo "$(date +%s.%N) - $start" | bc -l)
printf '%s .docx files, %s MB\n' "$files" "$mb"
printf '%-44s %8.2f s %8.0f files/s\n' "perfeval run --jobs 1 (all stages, no review)" "$perfeval_s" "$(echo "$files / $perfeval_s" | bc -l)"
printf '%-44s %8.2f s %8.0f files/s\n' "python-docx (open + read text only)" "$python_s" "$(echo "$files / $python_s" | bc -l)"
