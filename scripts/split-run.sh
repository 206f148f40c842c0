#!/usr/bin/env bash
# Scale-out: scripts/split-run.sh CORPUS PARTS OUT
# Splits the report files of CORPUS into PARTS lists, runs perfeval on each part (here one
# after the other; on a cluster, hand each list to its own machine with `perfeval run -`),
# then merges the parts' outputs with `perfeval aggregate` into OUT/merged.
set -euo pipefail
corpus=$1; parts=$2; out=$3
binary=${PERFEVAL:-.build/release/perfeval}
mkdir -p "$out"
find "$corpus" -type f ! -name '.*' | sort > "$out/all-files.txt"
split -n "l/$parts" -d "$out/all-files.txt" "$out/part-"
for list in "$out"/part-*; do
  [ -d "$list" ] && continue
  "$binary" run - --out "$list.out" --quiet < "$list" || [ $? -eq 1 ]   # exit 1: some files rejected
done
"$binary" aggregate "$out"/part-*.out --out "$out/merged"
echo "comparative tables in $out/merged; per-part tables in $out/part-*.out"
