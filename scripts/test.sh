#!/usr/bin/env bash
# The test command: set-up, the Spark job's tests (scripts/spark), then the whole XCTest
# suite (unit and end-to-end).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
spark_python=$(bash scripts/setup_spark.sh | tail -1)
swift build 2>&1
"$spark_python" scripts/spark/test_perfeval_spark.py --perfeval "$(swift build --show-bin-path)/perfeval"
swift test 2>&1
