import "server-only";
import { writeFile } from "node:fs/promises";
import type pg from "pg";

/** What this process has sent to PostgreSQL since it started. */
export interface StatementStats {
  /** Every statement sent, BEGIN and COMMIT included: each is a round trip. */
  statements: number;
  /** Transactions that wrote and committed: explicit COMMITs plus writing statements outside a transaction. */
  commits: number;
  rollbacks: number;
}

const WRITE = /^\s*(insert|update|delete|merge)\b/i;
const WITH_WRITE = /^\s*with\b[\s\S]*\b(insert\s+into|update\s+"|delete\s+from)\b/i;

/** Whether a statement run outside a transaction commits a change of its own. */
export function isWritingStatement(sql: string): boolean {
  return WRITE.test(sql) || WITH_WRITE.test(sql);
}

const watchers = new Set<(sql: string) => void>();

/**
 * Calls `watcher` with the text of every statement a counted pool (see countPoolStatements) sends,
 * until the returned function is called: tests compare what two requests send.
 */
export function watchStatements(watcher: (sql: string) => void): () => void {
  watchers.add(watcher);
  return () => watchers.delete(watcher);
}

/**
 * Counts the statements every connection of `pool` sends, and keeps `file` up to date (at most
 * every 200 ms) so that a benchmark in another process can read the counts before and after a run.
 * Counting wraps each connection's `query` once, when the pool opens it.
 */
export function countPoolStatements(pool: pg.Pool, file: string): void {
  const counter = fileCounter(file);
  const stats = counter.stats;
  pool.on("connect", (client) => {
    let inTransaction = false;
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const first = args[0];
      const sql = typeof first === "string" ? first : ((first as { text?: string } | undefined)?.text ?? "");
      const verb = sql.trimStart().slice(0, 8).toUpperCase();
      stats.statements++;
      for (const watcher of watchers) watcher(sql);
      if (verb.startsWith("BEGIN")) inTransaction = true;
      else if (verb.startsWith("COMMIT")) {
        inTransaction = false;
        stats.commits++;
      } else if (verb.startsWith("ROLLBACK")) {
        inTransaction = false;
        stats.rollbacks++;
      } else if (!inTransaction && isWritingStatement(sql)) stats.commits++;
      counter.dirty = true;
      return query(...args);
    };
  });
}

interface FileCounter {
  stats: StatementStats;
  dirty: boolean;
}

/**
 * The process's one counter for `file` (on globalThis: our server's own copy of this module and
 * Next.js's each count their pool, into the same totals), written at most every 200 ms.
 */
function fileCounter(file: string): FileCounter {
  const holder = globalThis as { securityInfoStatementCounters?: Map<string, FileCounter> };
  const counters = (holder.securityInfoStatementCounters ??= new Map());
  let counter = counters.get(file);
  if (!counter) {
    const created: FileCounter = { stats: { statements: 0, commits: 0, rollbacks: 0 }, dirty: true };
    const timer = setInterval(() => {
      if (!created.dirty) return;
      created.dirty = false;
      void writeFile(file, JSON.stringify(created.stats)).catch(() => {});
    }, 200);
    timer.unref();
    counters.set(file, created);
    counter = created;
  }
  return counter;
}
