#!/usr/bin/env bash
# Throughput benchmark: scripts/bench.sh [COUNT] [--scale N1,N2,...] [--rounds R] [--review]
#   (default 20000 reports, 5 rounds; BENCH_SCALE=100000,200000 works like --scale)
# Builds a release binary, a corpus of COUNT varied reports, and times perfeval with
# --jobs 1 and --jobs 2 next to merely reading the same files (cat, wc -m): wall time,
# reports/s, MB/s, peak RSS, CPU seconds (user + system) and the ratio to `wc -m`. perfeval
# runs with --no-xlsx --no-html (the pipeline alone); --review adds one --jobs 2 run that also
# writes review.xlsx/.html.
# The four are run in R alternating rounds: the table shows each one's median wall time and
# highest RSS, then how much more CPU --jobs 2 used than --jobs 1 (the same work: more CPU is
# two cores giving less than twice one core's throughput), and a last line the range over
# the rounds (the two cores of a shared machine do not always give the same throughput, and
# one round can mislead).
# --scale adds, for each size, a corpus of that many reports and one --jobs 2 run: peak RSS
# and seconds per 1,000 reports (does memory stay flat, does time stay linear?).
# Each size has its own corpus folder ($BENCH_DIR/corpus-SIZE), kept between runs.
# BENCH_BINARY=path times that binary instead of building one (to compare two builds).
set -euo pipefail
cd "$(dirname "$0")/.."
count=20000 scale=${BENCH_SCALE:-} review=0 rounds=5
while [ $# -gt 0 ]; do
  case $1 in
    --scale) scale=$2; shift 2 ;;
    --scale=*) scale=${1#--scale=}; shift ;;
    --rounds) rounds=$2; shift 2 ;;
    --rounds=*) rounds=${1#--rounds=}; shift ;;
    --review) review=1; shift ;;
    *) count=$1; shift ;;
  esac
done
bench=${BENCH_DIR:-/tmp/perfeval-bench}
bash scripts/setup.sh
mkdir -p "$bench"
[ -x /usr/bin/time ] || { apt-get install -y -qq time >/dev/null 2>&1 || sudo apt-get install -y -qq time >/dev/null; }
if [ -n "${BENCH_BINARY:-}" ]; then
  binary=$BENCH_BINARY
else
  swift build -c release --scratch-path .build-bench >/dev/null
  binary=.build-bench/release/perfeval
fi

corpus_of() {  # size → the folder of a corpus of that many reports (built when missing)
  local dir="$bench/corpus-$1"
  local have
  have=$( (find "$dir" -name '*.txt' 2>/dev/null || true) | wc -l)
  if [ "$have" -ne "$1" ]; then
    rm -rf "$dir"
    python3 scripts/make_corpus.py --count "$1" --out "$dir" >/dev/null
  fi
  echo "$dir"
}
bytes_of() { find "$1" -name '*.txt' -print0 | du -cb --files0-from=- | tail -1 | cut -f1; }
warm() { find "$1" -name '*.txt' -print0 | xargs -0 cat > /dev/null; }   # read once: timings from the page cache

measure() {  # label, command...  → prints "label|wall seconds|peak RSS KB|CPU seconds"
  local label=$1; shift
  /usr/bin/time -o "$bench/time.txt" -f '%e|%M|%U %S' "$@" > /dev/null 2>&1 || true
  echo "$label|$(tail -1 "$bench/time.txt")"
}
perfeval() {  # label, jobs, corpus, out, extra options...  → the measure line of that run
  local label=$1 jobs=$2 dir=$3 out=$4; shift 4
  rm -rf "$out"
  measure "$label" "$binary" run "$dir" --out "$out" --jobs "$jobs" --quiet "$@"
}

corpus=$(corpus_of "$count")
bytes=$(bytes_of "$corpus")
warm "$corpus"
rows=()
for round in $(seq "$rounds"); do
  rows+=("$(measure cat bash -c "find '$corpus' -name '*.txt' -print0 | xargs -0 cat")")
  rows+=("$(measure 'wc -m' bash -c "find '$corpus' -name '*.txt' -print0 | xargs -0 cat | wc -m")")
  for jobs in 1 2; do
    rows+=("$(perfeval "perfeval --jobs $jobs" "$jobs" "$corpus" "$bench/out$jobs" --no-xlsx --no-html)")
  done
done
if [ "$review" -eq 1 ]; then
  rows+=("$(perfeval "  + review files, -j2" 2 "$corpus" "$bench/out-review")")
fi

rounds_of() {  # label, field (wall|rss|cpu) → that field of the label's rows, one per round
  for row in "${rows[@]}"; do
    IFS='|' read -r label wall rss cpu <<<"$row"
    if [ "$label" = "$1" ]; then
      case $2 in wall) echo "$wall" ;; rss) echo "$rss" ;; cpu) echo "$cpu" | awk '{ print $1 + $2 }' ;; esac
    fi
  done
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
walls_of() { rounds_of "$1" wall; }
wall_of() { walls_of "$1" | median; }
rss_of() { rounds_of "$1" rss | sort -n | tail -1; }   # the highest peak RSS (KB) over the rounds
cpu_of() { rounds_of "$1" cpu | median; }

printf '%s reports, %.1f MB (perfeval: run --no-xlsx --no-html unless said); median of %s rounds\n' \
  "$count" "$(echo "$bytes / 1000000" | bc -l)" "$rounds"
printf '%-22s %9s %10s %8s %12s %7s %9s\n' what wall_s reports/s MB/s peak_RSS_MB cpu_s x_wc_m
wc_wall=$(wall_of 'wc -m')
labels=(cat 'wc -m' 'perfeval --jobs 1' 'perfeval --jobs 2')
[ "$review" -eq 1 ] && labels+=('  + review files, -j2')
for label in "${labels[@]}"; do
  wall=$(wall_of "$label") rss=$(rss_of "$label")
  per=$wall; [ "$(echo "$wall > 0" | bc)" -eq 1 ] || per=0.01   # /usr/bin/time's resolution, for tiny corpora
  printf '%-22s %9.2f %10.0f %8.1f %12.1f %7.2f %9.2f\n' "$label" "$wall" "$(echo "$count / $per" | bc -l)" \
    "$(echo "$bytes / 1000000 / $per" | bc -l)" "$(echo "$rss / 1024" | bc -l)" "$(cpu_of "$label")" "$(echo "$wall / $wc_wall" | bc -l)"
done
printf 'speed-up --jobs 2 over --jobs 1: %.2fx (--jobs 2 used %+.1f%% CPU seconds against --jobs 1)\n' \
  "$(echo "$(wall_of 'perfeval --jobs 1') / $(wall_of 'perfeval --jobs 2')" | bc -l)" \
  "$(echo "($(cpu_of 'perfeval --jobs 2') / $(cpu_of 'perfeval --jobs 1') - 1) * 100" | bc -l)"
# Round by round: --jobs 2 against that round's wc -m, and against that round's --jobs 1.
paste <(walls_of 'wc -m') <(walls_of 'perfeval --jobs 1') <(walls_of 'perfeval --jobs 2') | awk '
  { r = $3 / $1; s = $2 / $3
    if (NR == 1 || r < rlo) rlo = r; if (NR == 1 || r > rhi) rhi = r
    if (NR == 1 || s < slo) slo = s; if (NR == 1 || s > shi) shi = s }
  END { printf "over the %d rounds: --jobs 2 at %.2f-%.2fx wc -m, speed-up %.2f-%.2fx\n", NR, rlo, rhi, slo, shi }'
records=$(( $(wc -l < "$bench/out1/records.csv") - 1 ))
rejected=$(( $(wc -l < "$bench/out1/rejects.csv") - 1 ))
echo "records: $records, rejected files: $rejected"
differ=0
for table in "$bench"/out1/*.csv; do
  cmp -s "$table" "$bench/out2/$(basename "$table")" || { echo "$(basename "$table") DIFFERS between --jobs 1 and 2"; differ=1; }
done
[ "$differ" -eq 0 ] && echo "every table identical for --jobs 1 and 2"

if [ -n "$scale" ]; then
  echo
  echo "scaling (perfeval run --jobs 2 --no-xlsx --no-html):"
  printf '%10s %10s %9s %12s %14s\n' reports MB wall_s peak_RSS_MB s_per_1000
  for size in $count ${scale//,/ }; do
    dir=$(corpus_of "$size")
    warm "$dir"
    row=$(perfeval "$size" 2 "$dir" "$bench/out-scale" --no-xlsx --no-html)
    IFS='|' read -r label wall rss _cpu <<<"$row"
    printf '%10s %10.1f %9.2f %12.1f %14.3f\n' "$size" "$(echo "$(bytes_of "$dir") / 1000000" | bc -l)" "$wall" \
      "$(echo "$rss / 1024" | bc -l)" "$(echo "$wall * 1000 / $size" | bc -l)"
  done
  rm -rf "$bench/out-scale"
fi
[ "$differ" -eq 0 ]
