// Counts the SQL the peer sends, in the format and by the rules of the app's own count
// (src/server/db-statement-stats.ts), so that the benchmark reads both the same way: every
// statement sent (BEGIN and COMMIT included), transactions that wrote and committed (explicit
// COMMITs, and writing statements outside a transaction), rollbacks. The counts are written to
// `file` at most every 200 ms.
import { writeFile } from "node:fs/promises";

const WRITE = /^\s*(insert|update|delete|merge)\b/i;
const WITH_WRITE = /^\s*with\b[\s\S]*\b(insert\s+into|update\s+"|delete\s+from)\b/i;

/** @param {import("pg").Pool} pool @param {string} file */
export function countStatements(pool, file) {
  const stats = { statements: 0, commits: 0, rollbacks: 0 };
  let changed = true;
  // Each connection's query is wrapped once, when the pool opens it.
  pool.on("connect", (client) => {
    let inTransaction = false;
    const query = client.query.bind(client);
    client.query = (...args) => {
      const first = args[0];
      const sql = typeof first === "string" ? first : (first?.text ?? "");
      const verb = sql.trimStart().slice(0, 8).toUpperCase();
      stats.statements++;
      if (verb.startsWith("BEGIN")) inTransaction = true;
      else if (verb.startsWith("COMMIT")) {
        inTransaction = false;
        stats.commits++;
      } else if (verb.startsWith("ROLLBACK")) {
        inTransaction = false;
        stats.rollbacks++;
      } else if (!inTransaction && (WRITE.test(sql) || WITH_WRITE.test(sql))) stats.commits++;
      changed = true;
      return query(...args);
    };
  });
  const timer = setInterval(() => {
    if (!changed) return;
    changed = false;
    writeFile(file, JSON.stringify(stats)).catch(() => {});
  }, 200);
  timer.unref();
}
