#!/usr/bin/env bash
# Store benchmark: scripts/bench_store.sh [COUNT] [NEW]  (default 20000 and 100 reports)
# Times `perfeval update` three times on one store: the first update of COUNT generated
# reports, an update after NEW more reports arrive, and an update with nothing new.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-20000}
new=${2:-100}
bench=${BENCH_DIR:-/tmp/perfeval-bench-store}
bash scripts/setup.sh
[ -x /usr/bin/time ] || { apt-get install -y -qq time >/dev/null 2>&1 || sudo apt-get install -y -qq time >/dev/null; }
swift build -c release --scratch-path .build-bench >/dev/null
binary=.build-bench/release/perfeval

rm -rf "$bench"
mkdir -p "$bench/later"
python3 scripts/make_corpus.py --count $((count + new)) --out "$bench/inbox" >/dev/null
# The last NEW reports arrive after the first update.
find "$bench/inbox" -type f | sort | tail -n "$new" | while read -r file; do
  mkdir -p "$bench/later/$(basename "$(dirname "$file")")"
  mv "$file" "$bench/later/$(basename "$(dirname "$file")")/"
done
find "$bench/inbox" -type f -print0 | xargs -0 cat > /dev/null   # warm the page cache

update() {  # label → "label  wall s  cpu s  summary line"
  /usr/bin/time -o "$bench/time.txt" -f '%e %U %S' \
    "$binary" update "$bench/inbox" --store "$bench/store.sqlite" --out "$bench/out" --quiet 2> "$bench/log.txt" || [ $? -eq 1 ]
  read -r wall user sys < "$bench/time.txt"
  printf '%-26s %8.2f s wall %8.2f s cpu   %s\n' "$1" "$wall" "$(echo "$user + $sys" | bc -l)" "$(tail -1 "$bench/log.txt" | sed 's/ → [^(]*/ /')"
}
echo "perfeval update, $count reports then $new more ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
update "first update ($count)"
cp -a "$bench/later/." "$bench/inbox/"
update "update with $new new"
update "update with nothing new"
printf 'store: %s MB; tables: %s MB\n' "$(du -m "$bench/store.sqlite" | cut -f1)" "$(du -cm "$bench"/out/*.csv | tail -1 | cut -f1)"
