// The benchmark's results: their shape (bench/results/latest.json) and the Markdown table.
import type { Scenario } from "./protocol";

export interface FloorResult {
  name: string;
  /** Milliseconds per operation on one core. */
  ms: number;
}

export interface PhaseResult {
  scenario: Scenario;
  label: string;
  concurrency: number;
  ceremonies: number;
  errors: number;
  errorSamples: string[];
  /** Ceremonies per second. */
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** CPU milliseconds per ceremony. */
  appCpuMs: number;
  pgCpuMs: number;
  clientCpuMs: number;
  /** SQL statements (BEGIN and COMMIT included) and committing transactions per ceremony, counted by the app. */
  statements: number;
  commits: number;
}

export interface BenchReport {
  date: string;
  machine: { node: string; cores: number; cpu: string };
  database: { name: string; users: number };
  floors: FloorResult[];
  phases: PhaseResult[];
  /** PostgreSQL's xact_commit per sign-in (every transaction, read-only ones included). */
  signInServerTransactions: { ceremonies: number; perCeremony: number } | null;
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

/** The targets for one app instance, judged on the measured phases. */
export function checkTargets(report: BenchReport): TargetCheck[] {
  const of = (scenario: Scenario) => report.phases.filter((p) => p.scenario === scenario);
  const at = (scenario: Scenario, concurrency: number) => of(scenario).find((p) => p.concurrency === concurrency);
  const signIns = of("signIn");
  const worst = (values: number[]) => Math.max(...values);
  const checks: TargetCheck[] = [];
  const appCpu = worst(signIns.map((p) => p.appCpuMs));
  checks.push({ target: "app CPU per passkey sign-in ≤ 2.5 ms (worst of 1/10/50)", measured: `${appCpu.toFixed(2)} ms`, met: appCpu <= 2.5 });
  const statements = worst(signIns.map((p) => p.statements));
  checks.push({ target: "≤ 6 SQL statements per sign-in", measured: statements.toFixed(2), met: statements <= 6.05 });
  const commits = worst(signIns.map((p) => p.commits));
  checks.push({ target: "≤ 2 committing transactions per sign-in", measured: commits.toFixed(2), met: commits <= 2.05 });
  const at50 = at("signIn", 50);
  if (at50) {
    checks.push({
      target: "sign-in p99 < 150 ms at 50 concurrent, 0 errors",
      measured: `${at50.p99.toFixed(1)} ms, ${at50.errors} errors`,
      met: at50.p99 < 150 && at50.errors === 0,
    });
  }
  const list = at("listPasskeys", 10);
  if (list) checks.push({ target: "passkey list p99 < 30 ms at 10 concurrent", measured: `${list.p99.toFixed(1)} ms`, met: list.p99 < 30 });
  for (const scenario of ["adminSearch", "adminNextPage"] as const) {
    const phase = at(scenario, 1);
    if (phase) {
      checks.push({
        target: `${phase.label}: p99 < 50 ms on ${report.database.users.toLocaleString("en-US")} users (one administrator)`,
        measured: `${phase.p99.toFixed(1)} ms`,
        met: phase.p99 < 50,
      });
    }
  }
  const errors = report.phases.reduce((sum, p) => sum + p.errors, 0);
  checks.push({ target: "no errors in any phase", measured: String(errors), met: errors === 0 });
  return checks;
}

const f = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "–");

export function renderMarkdown(report: BenchReport): string {
  const lines: string[] = [];
  lines.push(`# Benchmark, ${report.date.slice(0, 10)}`);
  lines.push("");
  lines.push(
    `Production build (served by \`npm start\`'s scripts/server.ts), PostgreSQL database \`${report.database.name}\` with ${report.database.users.toLocaleString("en-US")} users, ` +
      `load generator in its own process on loopback. Node ${report.machine.node}, ${report.machine.cores} cores (${report.machine.cpu}); ` +
      "the app, PostgreSQL and the load generator share them, so CPU per ceremony is the figure that compares fairly.",
  );
  lines.push("");
  lines.push("## Floors (one core)");
  lines.push("");
  lines.push("| operation | ms per operation |");
  lines.push("| --- | ---: |");
  for (const floor of report.floors) lines.push(`| ${floor.name} | ${f(floor.ms, 3)} |`);
  lines.push("");
  lines.push("## Ceremonies");
  lines.push("");
  lines.push(
    "| ceremony | clients | done | per s | p50 ms | p95 ms | p99 ms | errors | app CPU ms | PostgreSQL CPU ms | client CPU ms | SQL statements | commits |",
  );
  lines.push("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const p of report.phases) {
    lines.push(
      `| ${p.label} | ${p.concurrency} | ${p.ceremonies} | ${f(p.throughput, 0)} | ${f(p.p50)} | ${f(p.p95)} | ${f(p.p99)} | ${p.errors} | ` +
        `${f(p.appCpuMs, 2)} | ${f(p.pgCpuMs, 2)} | ${f(p.clientCpuMs, 2)} | ${f(p.statements, 2)} | ${f(p.commits, 2)} |`,
    );
  }
  lines.push("");
  lines.push(
    "CPU, statements and commits are per ceremony. Statements count every SQL statement the app sent (BEGIN and COMMIT included); " +
      "commits count transactions that wrote (explicit ones, and writing statements outside a transaction)." +
      (report.signInServerTransactions
        ? ` PostgreSQL's own count, every transaction including read-only ones: ${f(report.signInServerTransactions.perCeremony, 2)} per sign-in ` +
          `(over ${report.signInServerTransactions.ceremonies} sign-ins).`
        : ""),
  );
  const trivial = report.phases.find((p) => p.scenario === "trivialGet" && p.concurrency === 10);
  const signIn = report.phases.find((p) => p.scenario === "signIn" && p.concurrency === 10);
  const library = report.floors.find((floor) => floor.name.startsWith("verifyAuthenticationResponse"));
  if (trivial && signIn && library) {
    lines.push("");
    lines.push(
      `At 10 clients a sign-in (two requests) costs the app ${f(signIn.appCpuMs, 2)} ms of CPU: ` +
        `${f(2 * trivial.appCpuMs, 2)} ms is what two trivial requests cost, ${f(library.ms, 3)} ms the signature check.`,
    );
  }
  lines.push("");
  lines.push("## Targets (one app instance)");
  lines.push("");
  lines.push("| target | measured | met |");
  lines.push("| --- | --- | --- |");
  for (const check of checkTargets(report)) lines.push(`| ${check.target} | ${check.measured} | ${check.met ? "yes" : "**no**"} |`);
  lines.push("");
  return lines.join("\n");
}
