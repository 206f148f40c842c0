#!/usr/bin/env bash
# Replaced by the Spark job (README, "Scale-out on Apache Spark"). Kept as a pointer:
# scripts/split-run.sh CORPUS PARTS OUT runs that job in local mode with PARTS partitions;
# every table of one run over CORPUS lands in OUT/merged, each part's in OUT/parts.
set -euo pipefail
corpus=$1; parts=$2; out=$3
root="$(cd "$(dirname "$0")/.." && pwd)"
python=$(bash "$root/scripts/setup_spark.sh" | tail -1)
exec "$python" "$root/scripts/spark/perfeval_spark.py" "$corpus" --out "$out" --partitions "$parts" --master 'local[*]' \
  --perfeval "${PERFEVAL:-$root/.build/release/perfeval}" --data "$root/data"
