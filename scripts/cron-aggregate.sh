#!/usr/bin/env bash
# Scheduled re-aggregation, e.g. from cron:  0 2 * * *  /path/to/perfeval/scripts/cron-aggregate.sh /data/inbox /data/perfeval
# Reads the reports that arrived in INBOX since the last run into a dated batch folder,
# then rebuilds the comparative tables over every batch so far into STORE/latest.
set -euo pipefail
inbox=$1; store=$2
cd "$(dirname "$0")/.."
binary=${PERFEVAL:-.build/release/perfeval}
stamp="$store/.last-run"
batch="$store/batches/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$store/batches"
if [ -f "$stamp" ]; then find "$inbox" -type f -newer "$stamp" | sort > "$store/new-files.txt"
else find "$inbox" -type f | sort > "$store/new-files.txt"; fi
touch "$stamp.next"
if [ -s "$store/new-files.txt" ]; then
  "$binary" run - --out "$batch" --quiet < "$store/new-files.txt" || [ $? -eq 1 ]
fi
mv "$stamp.next" "$stamp"
batches=("$store"/batches/*/)
[ -d "${batches[0]}" ] && "$binary" aggregate "${batches[@]}" --out "$store/latest"
