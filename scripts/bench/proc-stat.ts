// CPU time of processes, from /proc/<pid>/stat (Linux): user + system time, in milliseconds.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface ProcStat {
  pid: number;
  ppid: number;
  cpuMs: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: split after its closing one.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    // fields[0] is field 3 (state); ppid is field 4, utime 14, stime 15.
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { pid, ppid: Number(fields[1]), cpuMs: (ticks * 1000) / TICKS_PER_SECOND };
  } catch {
    return null;
  }
}

/** CPU milliseconds of one process (0 once it is gone). */
export function processCpuMs(pid: number): number {
  return readStat(pid)?.cpuMs ?? 0;
}

/** CPU milliseconds of each process in the tree rooted at `root` (the root included). */
export function processTreeCpu(root: number): Map<number, number> {
  const all = readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((stat): stat is ProcStat => stat !== null);
  const children = new Map<number, ProcStat[]>();
  for (const stat of all) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  const out = new Map<number, number>();
  const rootStat = all.find((s) => s.pid === root);
  if (!rootStat) return out;
  const queue = [rootStat];
  while (queue.length > 0) {
    const stat = queue.pop()!;
    out.set(stat.pid, stat.cpuMs);
    queue.push(...(children.get(stat.pid) ?? []));
  }
  return out;
}

/** CPU milliseconds of the given processes that are still running. */
export function processesCpu(pids: Iterable<number>): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    const stat = readStat(pid);
    if (stat) out.set(pid, stat.cpuMs);
  }
  return out;
}

/**
 * CPU spent between two readings of a set of processes: processes in both count their difference,
 * processes that appeared in between count all they used, processes that ended in between are left
 * out (their last moments are lost).
 */
export function cpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}
