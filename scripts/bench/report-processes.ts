// The benchmark's comparison of passkey sign-in on one and on two app processes (Markdown).
import type { BenchReport, PhaseResult } from "./report";

const f = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "–");

function row(processes: number, p: PhaseResult): string {
  return (
    `| ${processes} | ${p.concurrency} | ${p.ceremonies} | ${f(p.throughput, 0)} | ${f(p.p50)} | ${f(p.p99)} | ${p.errors} | ` +
    `${f(p.appCpuMs, 2)} | ${f(p.pgCpuMs, 2)} | ${f(p.statements, 2)} |`
  );
}

/** The section, or "" when the two-process phases were not run. */
export function renderProcessComparison(report: BenchReport): string {
  const two = report.twoProcessSignIns;
  if (!two || two.length === 0) return "";
  const lines: string[] = [""];
  lines.push("## Passkey sign-in on one and on two app processes");
  lines.push("");
  lines.push(
    "The second process is a second `scripts/server.ts` on the next port, with the same configuration and database. " +
      "The load generator sends each request to the next process in turn, as a round-robin load balancer would, " +
      "so the options and the verify of every sign-in land on different processes. App CPU is both processes' added up.",
  );
  lines.push("");
  lines.push("| app processes | clients | done | per s | p50 ms | p99 ms | errors | app CPU ms | PostgreSQL CPU ms | SQL statements |");
  lines.push("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  const ratios: string[] = [];
  for (const p of two) {
    const one = report.phases.find((q) => !q.peer && q.scenario === "signIn" && q.concurrency === p.concurrency);
    if (one) {
      lines.push(row(1, one));
      ratios.push(`${f(p.throughput / one.throughput, 2)}× at ${p.concurrency} clients`);
    }
    lines.push(row(2, p));
  }
  lines.push("");
  lines.push(
    `Two processes give ${ratios.length > 0 ? ratios.join(", ") : "(no one-process row to compare)"} the one-process throughput on ` +
      `${report.machine.cores} cores, which both app processes, PostgreSQL and the load generator share: ` +
      "a second process adds no cores here, only another event loop; on a machine with cores to spare it is what scales out.",
  );
  lines.push("");
  return lines.join("\n");
}
