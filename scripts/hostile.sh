#!/usr/bin/env bash
# scripts/hostile.sh — the large hostile cases of issue 11, each run beside a good report:
# GB-scale ZIP bombs, a 1 GiB document.xml of small paragraphs, 20,000 worksheets, 100 MB of
# TAB lines, a 20 GB sparse file, a slow 2,000-page PDF, a converter flooding stderr, and a
# 2 GB records.csv for `aggregate`. Prints wall time, peak RSS (/usr/bin/time -v), the exit
# code and the reason given, for each. Cases are built in a temporary folder (removed at the
# end); building the 2 GB inputs takes a few minutes of Python.
set -uo pipefail
cd "$(dirname "$0")/.."
binary=${PERFEVAL:-.build/release/perfeval}
[ -x "$binary" ] || swift build -c release >/dev/null
work=$(mktemp -d "${TMPDIR:-/tmp}/perfeval-hostile.XXXXXX")
trap 'rm -rf "$work"' EXIT
cases=scripts/hostile_cases.py
good=data/samples/000_d5715af45698640f.txt

printf '%-34s %10s %5s %8s %10s  %s\n' case input exit wall_s peak_MB "reason (rejects.csv, else stderr)"
# measure NAME INPUT_FILE [perfeval arguments...]: one run, one line of figures.
measure() {
  local name=$1 input=$2; shift 2
  /usr/bin/time -v -o "$work/time" "$@" >"$work/stdout" 2>"$work/stderr"
  local rc=$?
  local wall rss size reason
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; printf "%.2f", s}' "$work/time")
  rss=$(awk -F': ' '/Maximum resident/ {printf "%.0f", $2/1024}' "$work/time")
  size=$(du -h --apparent-size "$input" 2>/dev/null | cut -f1)
  reason=$(grep -v '^.文件\|^file,\|^\xef\xbb\xbf' "$work/out/rejects.csv" 2>/dev/null | head -1 | cut -c1-110)
  [ -z "$reason" ] && reason=$(grep -v '^$' "$work/stderr" | tail -1 | cut -c1-110)
  printf '%-34s %10s %5s %8s %10s  %s\n' "$name" "$size" "$rc" "$wall" "$rss" "$reason"
}

# run_case NAME BUILDER_CASE FILE SIZE [perfeval options...]: builds the case next to the good report.
run_case() {
  local name=$1 builder=$2 file=$3 size=$4; shift 4
  rm -rf "$work/in" "$work/out"; mkdir -p "$work/in"; cp "$good" "$work/in/good.txt"
  python3 "$cases" "$builder" "$work/in/$file" "$size"
  measure "$name" "$work/in/$file" "$binary" run "$work/in" --out "$work/out" --quiet --jobs 2 "$@"
  grep -q '株洲市渌口区档案馆' "$work/out/records.csv" 2>/dev/null || echo "   !! the good report's record is missing"
}

run_case "docx bomb 2 GiB"                docx-bomb   bomb.docx      2048
run_case "docx bomb 2 GiB, ratio check off" docx-bomb bomb.docx      2048 --max-inflation-ratio 1000000000
run_case "xlsx bomb 2 GiB"                xlsx-bomb   bomb.xlsx      2048
run_case "docx 1 GiB small paragraphs"    paragraphs  paragraphs.docx 30
run_case "  same, ratio check off"         paragraphs  paragraphs.docx 30 --max-inflation-ratio 1000000000
run_case "docx 35 MB small paragraphs, ratio off" paragraphs paragraphs.docx 1 --max-inflation-ratio 1000000000
run_case "docx local header past EOF"     offset      offset.docx    0
run_case "xlsx XFDXFDXFDXFDXFD1 etc."     xlsx-columns columns.xlsx  0
run_case "xlsx 20,000 worksheets"         xlsx-sheets sheets.xlsx    20000
run_case "docx 10 MB document.xml (good)" large-docx  large.docx     10
run_case "100 MB of TAB lines"            tab-lines   tabs.txt       100
run_case "  same, size limits raised"     tab-lines   tabs.txt       100 --max-input-size 128M --max-text-size 128M
run_case "15 MB text, long lines (at limit)" long-text long.txt       15
python3 "$cases" long-text "$work/in/long2.txt" 15   # two at once: --jobs 2 holds both
measure "  two of them, --jobs 2" "$work/in/long.txt" "$binary" run "$work/in" --out "$work/out" --quiet --jobs 2
run_case "slow PDF, 2,000 pages"          slow-pdf    slow.pdf       2000 --converter-timeout 10

# A 20 GB sparse file: refused on its size before anything is read.
rm -rf "$work/in" "$work/out"; mkdir -p "$work/in"; cp "$good" "$work/in/good.txt"
truncate -s 20G "$work/in/sparse.txt"
measure "20 GB sparse file" "$work/in/sparse.txt" "$binary" run "$work/in" --out "$work/out" --quiet

# A converter writing 300 KB to stderr (a stand-in pdftotext on PATH): drained, no deadlock.
rm -rf "$work/in" "$work/out" "$work/bin"; mkdir -p "$work/in" "$work/bin"; cp "$good" "$work/in/good.txt"
printf '%%PDF-1.4\n' > "$work/in/flood.pdf"
printf '#!/bin/sh\nhead -c 300000 /dev/zero | tr "\\0" w >&2\nexit 1\n' > "$work/bin/pdftotext"; chmod +x "$work/bin/pdftotext"
measure "converter: 300 KB on stderr" "$work/in/flood.pdf" env PATH="$work/bin:$PATH" "$binary" run "$work/in" --out "$work/out" --quiet

# aggregate over a 2 GB records.csv (about 10 million rows).
rm -rf "$work/in" "$work/out"
python3 "$cases" records-csv "$work/in" 2048
measure "aggregate, 2 GB records.csv" "$work/in/records.csv" "$binary" aggregate "$work/in" --out "$work/out"
# Within the bound: the first 190,000 rows (about 36 MB), aggregated in full.
head -n 190001 "$work/in/records.csv" > "$work/in/part.csv" && mv "$work/in/part.csv" "$work/in/records.csv"
measure "aggregate, 190,000 records" "$work/in/records.csv" "$binary" aggregate "$work/in" --out "$work/out"
