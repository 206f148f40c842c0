#!/usr/bin/env bash
# Nightly update of the year's collection, for cron:
#   30 2 * * *  /opt/perfeval/scripts/cron-aggregate.sh /data/inbox /data/perfeval >> /data/perfeval/cron.log 2>&1
# Stores the reports of INBOX whose content STORE/perfeval.sqlite has not seen (a corrected
# report supersedes the older one) and rewrites every table into STORE/latest. Further
# arguments go to `perfeval update` (e.g. --wait 600 --headers en). A run that finds
# another still going waits --wait seconds (default 60), then exits 3.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 INBOX STORE [perfeval update options]" >&2; exit 2; }
inbox=$(realpath "$1"); store=$(realpath -m "$2"); shift 2
cd "$(dirname "$0")/.."
binary=${PERFEVAL:-.build/release/perfeval}
status=0
"$binary" update "$inbox" --store "$store/perfeval.sqlite" --out "$store/latest" --quiet "$@" || status=$?
# 1: some new files were rejected; they are listed in rejects.csv and the tables are written.
[ "$status" -eq 1 ] && exit 0
exit "$status"
