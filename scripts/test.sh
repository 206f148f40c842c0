#!/usr/bin/env bash
# The test command: set-up, the Spark job's tests (scripts/spark), then the whole XCTest
# suite (unit and end-to-end).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
spark_python=$(bash scripts/setup_spark.sh | tail -1)
swift build 2>&1
"$spark_python" scripts/spark/test_perfeval_spark.py --perfeval "$(swift build --show-bin-path)/perfeval"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
swift test 2>&1 | tee "$log" || status=$?
# One closing line for CI: the XCTest totals (swift-testing, with no tests here, prints last).
summary=$(grep -E 'Executed [0-9]+ tests?, with [0-9]+ failures?' "$log" | tail -1 | sed -E 's/.*Executed ([0-9]+) tests?, with ([0-9]+) failures?.*/\1 \2/')
if [ -n "$summary" ]; then
  set -- $summary
  echo "xctest: $(( $1 - $2 )) passed, $2 failed"
fi
exit $status
