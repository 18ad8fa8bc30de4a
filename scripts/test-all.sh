#!/usr/bin/env bash
# Runs every suite (unit, integration, e2e), even after a failure, then prints one closing line
# "N passed, N failed" totalling all of them. Exits non-zero if anything failed.
#
# Vitest (unit + integration, on its own fresh database) runs beside Playwright (on the e2e
# database): the integration tests spend most of their time waiting on PostgreSQL and the e2e
# suite starts with a production build, so together they finish minutes sooner than one after the
# other. Vitest's output is kept in test-reports/vitest.log and printed once Playwright is done.
#
# With ALSO_TEST_ON_NODE set to the directory of another Node.js binary (CI sets Node.js 22's),
# unit + integration then run once more on that runtime, and the closing line totals that run too.
#
# Every Node.js process the suites start (the server under test included) writes its runtime
# warnings (deprecations, experimental features) to test-reports/node-warnings.log instead of
# stderr; any warning there fails the run, as a failed test would.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-reports
rm -f test-reports/vitest*.json test-reports/vitest*.log test-reports/e2e.json test-reports/node-warnings.log
export NEXT_TELEMETRY_DISABLED=1
export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--redirect-warnings=$PWD/test-reports/node-warnings.log"

status=0
started=$(date +%s)
node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json=test-reports/vitest.json \
  > test-reports/vitest.log 2>&1 &
vitest_pid=$!
PLAYWRIGHT_JSON_OUTPUT_NAME=test-reports/e2e.json \
  node --conditions=react-server node_modules/@playwright/test/cli.js test --reporter=list,json || status=1
wait "$vitest_pid" || status=1
echo
echo "--- unit + integration on Node.js $(node -p process.versions.node) (test-reports/vitest.log) ---"
cat test-reports/vitest.log

this_node="Node.js $(node -p process.versions.node)"
summary=(--vitest "unit + integration, $this_node=test-reports/vitest.json" --e2e "e2e, $this_node=test-reports/e2e.json")
if [ -n "${ALSO_TEST_ON_NODE:-}" ]; then
  other_node="Node.js $("$ALSO_TEST_ON_NODE/node" -p process.versions.node)"
  echo
  echo "--- unit + integration on $other_node ---"
  PATH="$ALSO_TEST_ON_NODE:$PATH" node_modules/.bin/vitest run --reporter=default --reporter=json \
    --outputFile.json=test-reports/vitest-other-node.json || status=1
  summary+=(--vitest "unit + integration, $other_node=test-reports/vitest-other-node.json")
fi

if [ -s test-reports/node-warnings.log ]; then
  echo
  echo "--- Node.js runtime warnings (test-reports/node-warnings.log): each one fails the run ---"
  cat test-reports/node-warnings.log
  status=1
fi

echo
node scripts/test-summary.mjs "${summary[@]}" --warnings test-reports/node-warnings.log --seconds "$(( $(date +%s) - started ))" || status=1
exit $status
