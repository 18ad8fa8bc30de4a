// The benchmark's results: their shape (bench/results/latest.json) and the Markdown table.
import { checkPageTargets, renderPageWeightMarkdown, type PageWeight } from "./page-weight";
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
  /** The peer's phase (`--peer`): appCpuMs is then the peer server's CPU, statements and commits its own. */
  peer?: boolean;
}

export interface BenchReport {
  date: string;
  machine: { node: string; cores: number; cpu: string };
  database: { name: string; users: number };
  floors: FloorResult[];
  phases: PhaseResult[];
  /** PostgreSQL's xact_commit per sign-in (every transaction, read-only ones included). */
  signInServerTransactions: { ceremonies: number; perCeremony: number } | null;
  /** With `--peer`: the peer whose phases are in `phases` (marked `peer: true`). */
  peer?: { name: string; version: string; passkeyPlugin: string; database: string; users: number };
  /** First load of /signin and /security-info on a throttled phone (page-weight.ts); absent when not measured. */
  pages?: PageWeight[];
  /** Sign-in on two app processes at 10 and 50 clients (CPU and statements of both), when measured. */
  twoProcessSignIns?: PhaseResult[] | null;
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

/** The targets for one app instance, judged on the measured phases. */
export function checkTargets(report: BenchReport): TargetCheck[] {
  const ours = report.phases.filter((p) => !p.peer);
  const of = (scenario: Scenario) => ours.filter((p) => p.scenario === scenario);
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
  const page = of("securityInfoPage");
  if (page.length > 0) {
    const render = worst(page.map((p) => p.appCpuMs));
    checks.push({ target: "security-info page render ≤ 5 ms of app CPU (worst of 1/10/50)", measured: `${render.toFixed(2)} ms`, met: render <= 5 });
  }
  if (report.pages) checks.push(...checkPageTargets(report.pages));
  const errors = ours.reduce((sum, p) => sum + p.errors, 0);
  checks.push({ target: "no errors in any phase", measured: String(errors), met: errors === 0 });
  return checks;
}

/** One figure of ours beside the peer's (`--peer`), at one number of concurrent clients. */
export interface PeerComparison {
  measure: string;
  concurrency: number;
  ours: number;
  peer: number;
  /** Ours ÷ the peer's; NaN when the peer's figure is 0. */
  ratio: number;
  /** The target, or null for a figure shown for information. */
  target: string | null;
  met: boolean | null;
  /** Decimals to print the two figures with. */
  digits: number;
}

/** The concurrencies at which ours is held against the peer. */
export const PEER_CONCURRENCY = [10, 50] as const;
/** Our server's CPU per sign-in may be at most this share of the peer's. */
export const PEER_SERVER_CPU_SHARE = 0.75;

/**
 * Ours beside the peer, sign-in at 10 and 50 concurrent clients, with the targets: server CPU per
 * sign-in ≤ 0.75× the peer's, PostgreSQL CPU per sign-in ≤ the peer's, throughput ≥ the peer's, p99
 * at 50 clients ≤ the peer's, no errors on either side. The trivial GET's server CPU is shown
 * beside them for information. Figures missing on either side (a run with --only) give no row.
 */
export function comparePeer(report: BenchReport): PeerComparison[] {
  const find = (peer: boolean, scenario: Scenario, concurrency: number) =>
    report.phases.find((p) => Boolean(p.peer) === peer && p.scenario === scenario && p.concurrency === concurrency);
  const pairs = (scenario: Scenario) =>
    PEER_CONCURRENCY.flatMap((concurrency) => {
      const ours = find(false, scenario, concurrency);
      const peer = find(true, scenario, concurrency);
      return ours && peer ? [{ concurrency, ours, peer }] : [];
    });
  const rows: PeerComparison[] = [];
  const add = (
    measure: string,
    scenario: Scenario,
    digits: number,
    value: (phase: PhaseResult) => number,
    judge: ((ours: number, peer: number, concurrency: number) => { target: string; met: boolean } | null) | null,
  ) => {
    for (const { concurrency, ours, peer } of pairs(scenario)) {
      const [a, b] = [value(ours), value(peer)];
      const verdict = judge?.(a, b, concurrency) ?? null;
      rows.push({ measure, concurrency, ours: a, peer: b, ratio: b === 0 ? Number.NaN : a / b, target: verdict?.target ?? null, met: verdict?.met ?? null, digits });
    }
  };
  add("server CPU ms per sign-in", "signIn", 2, (p) => p.appCpuMs, (a, b) => ({ target: `≤ ${PEER_SERVER_CPU_SHARE}× the peer's`, met: a <= PEER_SERVER_CPU_SHARE * b }));
  add("PostgreSQL CPU ms per sign-in", "signIn", 2, (p) => p.pgCpuMs, (a, b) => ({ target: "≤ 1.0× the peer's", met: a <= b }));
  add("sign-ins per s", "signIn", 0, (p) => p.throughput, (a, b) => ({ target: "≥ 1.0× the peer's", met: a >= b }));
  add("sign-in p99 ms", "signIn", 1, (p) => p.p99, (a, b, concurrency) => (concurrency === 50 ? { target: "≤ 1.0× the peer's", met: a <= b } : null));
  add("sign-in errors", "signIn", 0, (p) => p.errors, (a, b) => ({ target: "0 on both sides", met: a === 0 && b === 0 }));
  add("SQL statements per sign-in", "signIn", 2, (p) => p.statements, null);
  add("commits per sign-in", "signIn", 2, (p) => p.commits, null);
  add("trivial GET: server CPU ms", "trivialGet", 3, (p) => p.appCpuMs, null);
  return rows;
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
  if (report.peer) {
    lines.push("");
    lines.push(
      `The rows labelled ${report.peer.name} ${report.peer.version} are the peer (\`--peer\`): ${report.peer.name} ${report.peer.version} with @better-auth/passkey ${report.peer.passkeyPlugin} ` +
        `on node:http (bench/peers/better-auth), ${report.peer.users} people with one passkey each in a database of its own (\`${report.peer.database}\`, same PostgreSQL), ` +
        "driven by the same load generator with the same warm-up and counts. There the app CPU is the peer server process's, PostgreSQL CPU that of its database's backends, " +
        "and statements and commits are counted by the same rules in its process.",
    );
  }
  const trivial = report.phases.find((p) => !p.peer && p.scenario === "trivialGet" && p.concurrency === 10);
  const signIn = report.phases.find((p) => !p.peer && p.scenario === "signIn" && p.concurrency === 10);
  const library = report.floors.find((floor) => floor.name.startsWith("verifyAuthenticationResponse"));
  if (trivial && signIn && library) {
    lines.push("");
    lines.push(
      `At 10 clients a sign-in (two requests) costs the app ${f(signIn.appCpuMs, 2)} ms of CPU: ` +
        `${f(2 * trivial.appCpuMs, 2)} ms is what two trivial requests cost, ${f(library.ms, 3)} ms the signature check.`,
    );
  }
  lines.push("");
  if (report.pages) lines.push(...renderPageWeightMarkdown(report.pages));
  lines.push("## Targets (one app instance)");
  lines.push("");
  lines.push("| target | measured | met |");
  lines.push("| --- | --- | --- |");
  for (const check of checkTargets(report)) lines.push(`| ${check.target} | ${check.measured} | ${check.met ? "yes" : "**no**"} |`);
  lines.push("");
  if (report.peer) lines.push(...renderPeer(report.peer, comparePeer(report)));
  return lines.join("\n");
}

function renderPeer(peer: NonNullable<BenchReport["peer"]>, rows: PeerComparison[]): string[] {
  const lines: string[] = [];
  lines.push(`## Beside the peer (${peer.name} ${peer.version})`);
  lines.push("");
  if (rows.length === 0) {
    lines.push("No ceremony was measured on both sides at 10 and 50 clients.");
    lines.push("");
    return lines;
  }
  lines.push(`Per ceremony, ours and ${peer.name}'s at the same number of concurrent clients; the ratio is ours ÷ the peer's.`);
  lines.push("");
  lines.push(`| measure | clients | ours | ${peer.name} ${peer.version} | ours / peer | target | met |`);
  lines.push("| --- | ---: | ---: | ---: | ---: | --- | --- |");
  for (const row of rows) {
    const ratio = Number.isFinite(row.ratio) ? `${row.ratio.toFixed(2)}×` : "–";
    const met = row.met === null ? "" : row.met ? "yes" : "**no**";
    lines.push(`| ${row.measure} | ${row.concurrency} | ${f(row.ours, row.digits)} | ${f(row.peer, row.digits)} | ${ratio} | ${row.target ?? ""} | ${met} |`);
  }
  const judged = rows.filter((row) => row.met !== null);
  lines.push("");
  lines.push(`Targets beside the peer met: ${judged.filter((row) => row.met).length} of ${judged.length}.`);
  lines.push("");
  return lines;
}
