#!/usr/bin/env bash
# Spark overhead: scripts/spark/bench_spark.sh [COUNT] [PARTITIONS]  (default 20000 reports, 8)
# Times a plain `perfeval run --jobs 2` and the Spark job in local mode (local[2], one
# perfeval --jobs 1 per task) on the same corpus, REPEATS times (default 3) alternating, and
# checks that their tables are the same.
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${1:-20000}; partitions=${2:-8}
bench=${BENCH_DIR:-/tmp/perfeval-spark-bench}
corpus="$bench/corpus"
python=$(bash scripts/setup_spark.sh | tail -1)
binary=${PERFEVAL:-.build/release/perfeval}
[ -x "$binary" ] || swift build -c release >/dev/null
have=$( (find "$corpus" -name '*.txt' 2>/dev/null || true) | wc -l)
if [ "$have" -ne "$count" ]; then rm -rf "$corpus"; python3 scripts/make_corpus.py --count "$count" --out "$corpus"; fi
find "$corpus" -name '*.txt' -print0 | xargs -0 cat > /dev/null   # warm the page cache

seconds() {  # wall seconds of a command; its output in log.txt
  local start=$(date +%s.%N); "$@" >"$bench/log.txt" 2>&1 || [ $? -eq 1 ]; echo "$(date +%s.%N) - $start" | bc
}
repeats=${REPEATS:-3}   # the cores are shared: the best of a few alternating runs of each
best_plain=""; best_spark=""
for round in $(seq "$repeats"); do
  rm -rf "$bench/plain" "$bench/spark"
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  plain=$(seconds "$binary" run "$corpus" --out "$bench/plain" --jobs 2 --quiet)
  spark=$(seconds "$python" scripts/spark/perfeval_spark.py "$corpus" --out "$bench/spark" --master 'local[2]' \
    --partitions "$partitions" --perfeval "$binary")
  printf 'round %s (load average %s): perfeval --jobs 2 %.1f s, spark %.1f s\n' "$round" "$load" "$plain" "$spark"
  grep '^perfeval_spark:' "$bench/log.txt" | sed 's/^/  /'
  best_plain=$(echo "$plain $best_plain" | tr ' ' '\n' | grep . | sort -g | head -1)
  best_spark=$(echo "$spark $best_spark" | tr ' ' '\n' | grep . | sort -g | head -1)
done
printf '%s reports, best of %s\n%-34s %8.1f s\n%-34s %8.1f s  (overhead %+.1f s)\n' "$count" "$repeats" \
  "perfeval run --jobs 2" "$best_plain" "spark local[2], $partitions partitions" "$best_spark" "$(echo "$best_spark - $best_plain" | bc)"
echo "per partition of the last round (wall and CPU seconds of its perfeval run):"; cat "$bench"/spark/spark/partitions/part-*.csv
for table in "$bench"/plain/*.csv; do
  cmp -s "$table" "$bench/spark/merged/$(basename "$table")" || { echo "$(basename "$table") DIFFERS"; exit 1; }
done
echo "every table identical to the plain run's"
