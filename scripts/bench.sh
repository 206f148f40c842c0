#!/usr/bin/env bash
# Throughput benchmark: scripts/bench.sh [COUNT]  (default 20000 reports)
# Builds a release binary, a corpus of COUNT varied reports, and times perfeval with
# --jobs 1 and --jobs 2 next to merely reading the same files (cat, wc -m).
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-20000}
bench=${BENCH_DIR:-/tmp/perfeval-bench}
corpus="$bench/corpus"
bash scripts/setup.sh
mkdir -p "$bench"
[ -x /usr/bin/time ] || { apt-get install -y -qq time >/dev/null 2>&1 || sudo apt-get install -y -qq time >/dev/null; }
swift build -c release --scratch-path .build-bench >/dev/null
binary=.build-bench/release/perfeval

have=$( (find "$corpus" -name '*.txt' 2>/dev/null || true) | wc -l)
if [ "$have" -ne "$count" ]; then
  rm -rf "$corpus"
  python3 scripts/make_corpus.py --count "$count" --out "$corpus"
fi
bytes=$(find "$corpus" -name '*.txt' -print0 | du -cb --files0-from=- | tail -1 | cut -f1)
find "$corpus" -name '*.txt' -print0 | xargs -0 cat > /dev/null   # warm the page cache

measure() {  # label, command...  → prints "label|wall seconds|peak RSS KB"
  local label=$1; shift
  /usr/bin/time -o "$bench/time.txt" -f '%e|%M' "$@" > /dev/null 2>&1 || true
  echo "$label|$(tail -1 "$bench/time.txt")"
}
rows=()
rows+=("$(measure cat bash -c "find '$corpus' -name '*.txt' -print0 | xargs -0 cat")")
rows+=("$(measure 'wc -m' bash -c "find '$corpus' -name '*.txt' -print0 | xargs -0 cat | wc -m")")
for jobs in 1 2; do
  rm -rf "$bench/out$jobs"
  set +e
  rows+=("$(measure "perfeval --jobs $jobs" "$binary" run "$corpus" --out "$bench/out$jobs" --jobs "$jobs" --quiet)")
  set -e
done

printf '%s reports, %.1f MB\n' "$count" "$(echo "$bytes / 1000000" | bc -l)"
printf '%-20s %10s %12s %10s %12s\n' what wall_s reports/s MB/s peak_RSS_MB
for row in "${rows[@]}"; do
  IFS='|' read -r label wall rss <<<"$row"
  printf '%-20s %10.2f %12.0f %10.1f %12.1f\n' "$label" "$wall" "$(echo "$count / $wall" | bc -l)" \
    "$(echo "$bytes / 1000000 / $wall" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
done
records=$(( $(wc -l < "$bench/out1/records.csv") - 1 ))
rejected=$(( $(wc -l < "$bench/out1/rejects.csv") - 1 ))
echo "records: $records, rejected files: $rejected"
if cmp -s "$bench/out1/records.csv" "$bench/out2/records.csv"; then echo "records.csv identical for --jobs 1 and 2"; else echo "records.csv DIFFERS between --jobs 1 and 2"; exit 1; fi
