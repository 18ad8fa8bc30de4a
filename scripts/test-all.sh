#!/usr/bin/env bash
# Runs every suite (unit, integration, e2e), even after a failure, then prints one closing line
# "N passed, N failed" totalling all of them. Exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-reports
rm -f test-reports/vitest.json test-reports/e2e.json
export NEXT_TELEMETRY_DISABLED=1

status=0
started=$(date +%s)
node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json=test-reports/vitest.json || status=1
PLAYWRIGHT_JSON_OUTPUT_NAME=test-reports/e2e.json \
  node --conditions=react-server node_modules/@playwright/test/cli.js test --reporter=list,json || status=1

node scripts/test-summary.mjs test-reports/vitest.json test-reports/e2e.json "$(( $(date +%s) - started ))" || status=1
exit $status
