// Totals Vitest and Playwright JSON reports into one closing line: "N passed, N failed".
// A missing or unreadable report counts as a failure, so a suite that did not run cannot pass.
//
// Each Node.js runtime warning in the --warnings file (written by --redirect-warnings) counts as a
// failure too.
//
// Usage: node scripts/test-summary.mjs [--vitest LABEL=FILE]... [--e2e LABEL=FILE]... [--warnings FILE] [--seconds N]
import { existsSync, readFileSync } from "node:fs";

const reports = [];
let seconds = null;
let warningsFile = null;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i += 2) {
  const [flag, value] = [args[i], args[i + 1]];
  if (value === undefined) usage(`${flag} needs a value`);
  if (flag === "--seconds" || flag === "--warnings") {
    if (flag === "--seconds") seconds = value;
    else warningsFile = value;
    continue;
  }
  const kind = { "--vitest": "vitest", "--e2e": "e2e" }[flag];
  const at = value.indexOf("=");
  if (!kind || at < 1) usage(`unexpected ${flag} ${value}`);
  reports.push({ kind, label: value.slice(0, at), file: value.slice(at + 1) });
}
if (reports.length === 0) usage("no reports named");

let passed = 0;
let failed = 0;
let skipped = 0;

for (const { kind, label, file } of reports) {
  let report;
  try {
    report = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    console.error(`${label}: no report at ${file}`);
    failed += 1;
    continue;
  }
  if (kind === "vitest") {
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + report.numTodoTests;
    if (!report.success && report.numFailedTests === 0) failed += 1; // e.g. a file that failed to load
    console.log(`${label}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
  } else {
    const s = report.stats;
    const bad = s.unexpected + s.flaky;
    passed += s.expected;
    failed += bad;
    skipped += s.skipped;
    if (report.errors?.length && bad === 0) failed += 1; // e.g. the web server did not start
    console.log(`${label}: ${s.expected} passed, ${bad} failed (${(s.duration / 1000).toFixed(1)} s)`);
  }
}

if (warningsFile && existsSync(warningsFile)) {
  // One warning is a line starting "(node:PID) "; a stack trace (--trace-warnings) follows it.
  const warnings = readFileSync(warningsFile, "utf8").split("\n").filter((line) => /^\(node:\d+\) /.test(line)).length;
  if (warnings > 0) console.log(`Node.js runtime warnings: ${warnings} (each counts as a failure)`);
  failed += warnings;
}
if (seconds) console.log(`all suites took ${seconds} s`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);

function usage(problem) {
  console.error(`test-summary: ${problem}. Usage: node scripts/test-summary.mjs [--vitest LABEL=FILE]... [--e2e LABEL=FILE]... [--warnings FILE] [--seconds N]`);
  process.exit(2);
}
