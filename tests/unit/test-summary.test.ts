import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// scripts/test-summary.mjs writes the closing line of `npm test` and CI: it must total every report
// it is given and fail on anything that is not a clean pass.
const dir = mkdtempSync(join(tmpdir(), "test-summary-"));
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}
function summarise(...args: string[]) {
  const run = spawnSync(process.execPath, ["scripts/test-summary.mjs", ...args], { encoding: "utf8" });
  const lines = run.stdout.trim().split("\n");
  return { status: run.status, last: lines.at(-1), stdout: run.stdout, stderr: run.stderr };
}

const vitest = (passed: number, failed = 0) => ({ numPassedTests: passed, numFailedTests: failed, numPendingTests: 0, numTodoTests: 0, success: failed === 0 });
const e2e = (expected: number, unexpected = 0) => ({ stats: { expected, unexpected, flaky: 0, skipped: 0, duration: 1000 }, errors: [] });

describe("test-summary", () => {
  it("totals the reports of both runtimes in one closing line", () => {
    const result = summarise(
      "--vitest", `unit + integration, Node.js 24=${file("v24.json", vitest(990))}`,
      "--e2e", `e2e, Node.js 24=${file("e2e.json", e2e(331))}`,
      "--vitest", `unit + integration, Node.js 22=${file("v22.json", vitest(990))}`,
    );
    expect(result.last).toBe("2311 passed, 0 failed");
    expect(result.stdout).toContain("unit + integration, Node.js 22: 990 passed, 0 failed");
    expect(result.status).toBe(0);
  });

  it("counts each Node.js runtime warning as a failure", () => {
    const warnings = file(
      "warnings.log",
      "(node:17290) ExperimentalWarning: The supports Web Crypto API method is an experimental feature\n" +
        "(Use `node --trace-warnings ...` to show where the warning was created)\n" +
        "(node:17291) [DEP0040] DeprecationWarning: The `punycode` module is deprecated.\n",
    );
    const result = summarise("--vitest", `unit=${file("v.json", vitest(10))}`, "--warnings", warnings);
    expect(result.stdout).toContain("Node.js runtime warnings: 2");
    expect(result.last).toBe("10 passed, 2 failed");
    expect(result.status).toBe(1);
  });

  it("passes when the warnings file was never written", () => {
    const result = summarise("--vitest", `unit=${file("v.json", vitest(10))}`, "--warnings", join(dir, "none.log"));
    expect(result.last).toBe("10 passed, 0 failed");
    expect(result.status).toBe(0);
  });

  it("counts a missing report as a failure, so a suite that did not run cannot pass", () => {
    const result = summarise("--vitest", `unit=${file("v.json", vitest(10))}`, "--vitest", `other=${join(dir, "missing.json")}`);
    expect(result.last).toBe("10 passed, 1 failed");
    expect(result.status).toBe(1);
  });

  it("refuses an argument it does not know", () => {
    const result = summarise("--junit", "x=y.xml");
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unexpected --junit/);
  });
});
