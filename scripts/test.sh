#!/usr/bin/env bash
# The test command: set-up, then the whole XCTest suite (unit and end-to-end).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift test 2>&1
