// Totals the Vitest and Playwright JSON reports into one closing line: "N passed, N failed".
// A missing or unreadable report counts as a failure, so a suite that did not run cannot pass.
import { readFileSync } from "node:fs";

const [vitestFile, playwrightFile, seconds] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;

function read(file, name) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    console.error(`${name}: no report at ${file}`);
    failed += 1;
    return null;
  }
}

const vitest = read(vitestFile, "unit + integration");
if (vitest) {
  passed += vitest.numPassedTests;
  failed += vitest.numFailedTests;
  skipped += vitest.numPendingTests + vitest.numTodoTests;
  if (!vitest.success && vitest.numFailedTests === 0) failed += 1; // e.g. a file that failed to load
  console.log(`unit + integration: ${vitest.numPassedTests} passed, ${vitest.numFailedTests} failed`);
}

const e2e = read(playwrightFile, "e2e");
if (e2e) {
  const s = e2e.stats;
  const bad = s.unexpected + s.flaky;
  passed += s.expected;
  failed += bad;
  skipped += s.skipped;
  if (e2e.errors?.length && bad === 0) failed += 1; // e.g. the web server did not start
  console.log(`e2e: ${s.expected} passed, ${bad} failed (${(s.duration / 1000).toFixed(1)} s)`);
}

if (seconds) console.log(`all suites took ${seconds} s`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
