#!/usr/bin/env bash
# Where a run spends its time: scripts/profile.sh [COUNT] [TOP]  (default 2000 reports, top 15)
# Runs `perfeval run --jobs 1 --no-xlsx --no-html` under `perf record` on the first COUNT
# reports of the bench corpus (scripts/bench.sh builds it; made here when missing) and
# prints the TOP functions by self time, names demangled, then the share of each library.
# BENCH_BINARY=path profiles that binary instead of building one (to compare two builds).
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-2000} top=${2:-15}
bench=${BENCH_DIR:-/tmp/perfeval-bench}
command -v perf >/dev/null || { apt-get install -y -qq linux-perf >/dev/null 2>&1 || sudo apt-get install -y -qq linux-perf >/dev/null; }
if [ -n "${BENCH_BINARY:-}" ]; then
  binary=$BENCH_BINARY
else
  swift build -c release --scratch-path .build-bench >/dev/null
  binary=.build-bench/release/perfeval
fi
corpus="$bench/profile-$count"
if [ "$(find "$corpus" -name '*.txt' 2>/dev/null | wc -l)" -ne "$count" ]; then
  rm -rf "$corpus"
  python3 scripts/make_corpus.py --count "$count" --out "$corpus" >/dev/null
fi
perf record -F 999 -g -o "$bench/perf.data" "$binary" run "$corpus" --out "$bench/profile-out" --jobs 1 --quiet --no-xlsx --no-html \
  >/dev/null 2>&1 || true
echo "self time, perfeval run --jobs 1 on $count reports:"
perf report -i "$bench/perf.data" --no-children --sort symbol --stdio 2>/dev/null \
  | grep -E '^ +[0-9.]+%' | head -n "$top" \
  | while read -r share kind symbol; do printf '%7s  %s\n' "$share" "$(echo "$symbol" | swift demangle --simplified | cut -c1-110 | sed 's/ *$//')"; done
echo "by library:"
perf report -i "$bench/perf.data" --no-children --sort dso --stdio 2>/dev/null | grep -E '^ +[0-9.]+%' | head -6
