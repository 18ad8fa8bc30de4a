#!/usr/bin/env bash
# Runs every suite (unit, integration, e2e), even after a failure, then prints one closing line
# "N passed, N failed" totalling all of them. Exits non-zero if anything failed.
#
# Vitest (unit + integration, on its own fresh database) runs beside Playwright (on the e2e
# database): the integration tests spend most of their time waiting on PostgreSQL and the e2e
# suite starts with a production build, so together they finish minutes sooner than one after the
# other. Vitest's output is kept in test-reports/vitest.log and printed once Playwright is done.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-reports
rm -f test-reports/vitest.json test-reports/e2e.json test-reports/vitest.log
export NEXT_TELEMETRY_DISABLED=1

status=0
started=$(date +%s)
node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json=test-reports/vitest.json \
  > test-reports/vitest.log 2>&1 &
vitest_pid=$!
PLAYWRIGHT_JSON_OUTPUT_NAME=test-reports/e2e.json \
  node --conditions=react-server node_modules/@playwright/test/cli.js test --reporter=list,json || status=1
wait "$vitest_pid" || status=1
echo
echo "--- unit + integration (test-reports/vitest.log) ---"
cat test-reports/vitest.log

node scripts/test-summary.mjs test-reports/vitest.json test-reports/e2e.json "$(( $(date +%s) - started ))" || status=1
exit $status
