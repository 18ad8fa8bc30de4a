import { describe, expect, it } from "vitest";
import { checkTargets, comparePeer, renderMarkdown, type BenchReport, type PhaseResult } from "../../../scripts/bench/report";

// `npm run bench -- --peer` holds our sign-in against Better Auth's at 10 and 50 clients: these
// are the ratios and verdicts its report prints.

function phase(over: Partial<PhaseResult> & Pick<PhaseResult, "scenario" | "concurrency">): PhaseResult {
  return {
    label: over.peer ? `Better Auth 1.7.6: ${over.scenario}` : over.scenario,
    ceremonies: 1000,
    errors: 0,
    errorSamples: [],
    throughput: 100,
    p50: 10,
    p95: 20,
    p99: 30,
    max: 40,
    appCpuMs: 2,
    pgCpuMs: 1,
    clientCpuMs: 1,
    statements: 6,
    commits: 2,
    ...over,
  };
}

function report(phases: PhaseResult[]): BenchReport {
  return {
    date: "2026-12-05T17:00:00.000Z",
    machine: { node: "v24.22.3", cores: 2, cpu: "test" },
    database: { name: "si_bench", users: 20_000 },
    floors: [],
    phases,
    signInServerTransactions: null,
    peer: { name: "Better Auth", version: "1.7.6", passkeyPlugin: "1.7.6", database: "si_bench_peer", users: 60 },
  };
}

const byMeasure = (rows: ReturnType<typeof comparePeer>, measure: string) => rows.filter((row) => row.measure === measure);

describe("comparePeer", () => {
  // Ours: 3.0 ms of server CPU at 10 clients and 3.3 at 50, against the peer's 4.4 and 4.0.
  const phases = [
    phase({ scenario: "signIn", concurrency: 1, appCpuMs: 9, errors: 3 }),
    phase({ scenario: "signIn", concurrency: 10, appCpuMs: 3.0, pgCpuMs: 1.2, throughput: 260, p99: 80, statements: 6, commits: 2 }),
    phase({ scenario: "signIn", concurrency: 50, appCpuMs: 3.3, pgCpuMs: 1.5, throughput: 240, p99: 310, statements: 6, commits: 2, errors: 1 }),
    phase({ scenario: "trivialGet", concurrency: 10, appCpuMs: 0.5 }),
    phase({ scenario: "trivialGet", concurrency: 50, appCpuMs: 0.4 }),
    phase({ scenario: "signIn", concurrency: 10, peer: true, appCpuMs: 4.4, pgCpuMs: 1.4, throughput: 210, p99: 77, statements: 10, commits: 4 }),
    phase({ scenario: "signIn", concurrency: 50, peer: true, appCpuMs: 4.0, pgCpuMs: 1.5, throughput: 250, p99: 300, statements: 10, commits: 4 }),
    phase({ scenario: "trivialGet", concurrency: 10, peer: true, appCpuMs: 0.25 }),
    phase({ scenario: "trivialGet", concurrency: 50, peer: true, appCpuMs: 0 }),
  ];
  const rows = comparePeer(report(phases));

  it("holds our server CPU per sign-in to 0.75× the peer's", () => {
    const [at10, at50] = byMeasure(rows, "server CPU ms per sign-in");
    // 3.0 / 4.4 = 0.68, under 0.75; 3.3 / 4.0 = 0.825, over.
    expect(at10).toMatchObject({ concurrency: 10, ours: 3.0, peer: 4.4, met: true });
    expect(at10!.ratio).toBeCloseTo(0.6818, 4);
    expect(at50).toMatchObject({ concurrency: 50, ours: 3.3, peer: 4.0, met: false });
    expect(at50!.ratio).toBeCloseTo(0.825, 4);
  });

  it("holds PostgreSQL CPU to at most the peer's: equal passes", () => {
    const [at10, at50] = byMeasure(rows, "PostgreSQL CPU ms per sign-in");
    expect(at10).toMatchObject({ ours: 1.2, peer: 1.4, met: true });
    expect(at10!.ratio).toBeCloseTo(0.8571, 4);
    expect(at50).toMatchObject({ ours: 1.5, peer: 1.5, ratio: 1, met: true });
  });

  it("wants at least the peer's throughput", () => {
    const [at10, at50] = byMeasure(rows, "sign-ins per s");
    expect(at10).toMatchObject({ ours: 260, peer: 210, met: true });
    expect(at10!.ratio).toBeCloseTo(1.2381, 4);
    expect(at50).toMatchObject({ ours: 240, peer: 250, ratio: 0.96, met: false });
  });

  it("judges p99 at 50 clients only; at 10 it is shown for information", () => {
    const [at10, at50] = byMeasure(rows, "sign-in p99 ms");
    expect(at10).toMatchObject({ ours: 80, peer: 77, target: null, met: null });
    expect(at50).toMatchObject({ ours: 310, peer: 300, met: false });
    expect(at50!.ratio).toBeCloseTo(1.0333, 4);
  });

  it("wants no error on either side, at 10 and at 50 clients", () => {
    const [at10, at50] = byMeasure(rows, "sign-in errors");
    expect(at10).toMatchObject({ ours: 0, peer: 0, met: true });
    expect(at10!.ratio).toBeNaN();
    expect(at50).toMatchObject({ ours: 1, peer: 0, met: false });
  });

  it("shows statements, commits and the trivial GET without a target, and no ratio against a zero", () => {
    const [statements10] = byMeasure(rows, "SQL statements per sign-in");
    expect(statements10).toMatchObject({ ours: 6, peer: 10, ratio: 0.6, target: null, met: null });
    expect(byMeasure(rows, "commits per sign-in")[1]).toMatchObject({ concurrency: 50, ours: 2, peer: 4, ratio: 0.5, met: null });
    const [trivial10, trivial50] = byMeasure(rows, "trivial GET: server CPU ms");
    expect(trivial10).toMatchObject({ ours: 0.5, peer: 0.25, ratio: 2, met: null });
    expect(trivial50!.ratio).toBeNaN();
  });

  it("compares at 10 and 50 clients only, so the errors at 1 client count in our own targets alone", () => {
    expect(rows.every((row) => row.concurrency === 10 || row.concurrency === 50)).toBe(true);
    expect(rows).toHaveLength(16);
    // Our own targets read our phases only: 3 + 1 errors, not the peer's rows.
    expect(checkTargets(report(phases)).find((check) => check.target === "no errors in any phase")).toMatchObject({ measured: "4", met: false });
    const worstCpu = checkTargets(report(phases)).find((check) => check.target.startsWith("app CPU"));
    expect(worstCpu).toMatchObject({ measured: "9.00 ms" });
  });

  it("gives no row for a measure missing on either side", () => {
    const signInOnly = comparePeer(report(phases.filter((p) => p.scenario === "signIn" && !(p.peer && p.concurrency === 50))));
    expect(signInOnly.map((row) => `${row.measure}@${row.concurrency}`)).toEqual([
      "server CPU ms per sign-in@10",
      "PostgreSQL CPU ms per sign-in@10",
      "sign-ins per s@10",
      "sign-in p99 ms@10",
      "sign-in errors@10",
      "SQL statements per sign-in@10",
      "commits per sign-in@10",
    ]);
  });

  it("prints the table with the ratios and the count of targets met", () => {
    const markdown = renderMarkdown(report(phases));
    expect(markdown).toContain("## Beside the peer (Better Auth 1.7.6)");
    expect(markdown).toContain("| server CPU ms per sign-in | 10 | 3.00 | 4.40 | 0.68× | ≤ 0.75× the peer's | yes |");
    expect(markdown).toContain("| server CPU ms per sign-in | 50 | 3.30 | 4.00 | 0.82× | ≤ 0.75× the peer's | **no** |");
    expect(markdown).toContain("| sign-in p99 ms | 10 | 80.0 | 77.0 | 1.04× |  |  |");
    expect(markdown).toContain("| trivial GET: server CPU ms | 50 | 0.400 | 0.000 | – |  |  |");
    // Judged: CPU 1 of 2, PostgreSQL 2 of 2, throughput 1 of 2, p99 0 of 1, errors 1 of 2.
    expect(markdown).toContain("Targets beside the peer met: 5 of 9.");
    expect(markdown).toContain("| Better Auth 1.7.6: signIn | 50 | 1000 | 250 |");
  });
});
