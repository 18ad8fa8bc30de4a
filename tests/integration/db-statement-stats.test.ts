// The benchmark's statement count (DB_STATEMENT_STATS_FILE) must count what really reaches
// PostgreSQL: every statement, and one commit per writing transaction.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { countPoolStatements, isWritingStatement } from "@/server/db-statement-stats";

const dir = mkdtempSync(join(tmpdir(), "statement-stats-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readStats(file: string) {
  await new Promise((resolve) => setTimeout(resolve, 350));
  return JSON.parse(readFileSync(file, "utf8")) as { statements: number; commits: number; rollbacks: number };
}

describe("statement counting", () => {
  it("tells writing statements from reads, including writes inside WITH", () => {
    expect(isWritingStatement(`INSERT INTO "Challenge" VALUES (1)`)).toBe(true);
    expect(isWritingStatement(`  update "public"."User" SET x = 1`)).toBe(true);
    expect(isWritingStatement(`DELETE FROM "Challenge" WHERE true RETURNING *`)).toBe(true);
    expect(isWritingStatement(`WITH "c" AS (DELETE FROM "Challenge" RETURNING *) SELECT * FROM "c"`)).toBe(true);
    expect(isWritingStatement(`SELECT "updatedAt", "deletedFrom" FROM "User"`)).toBe(false);
    expect(isWritingStatement(`WITH "u" AS (SELECT "updatedAt" FROM "User") SELECT * FROM "u"`)).toBe(false);
  });

  it("counts every statement sent through the pool and one commit per writing transaction", async () => {
    const file = join(dir, "stats.json");
    const pool = new pg.Pool({ connectionString: inject("databaseUrl"), max: 1 });
    countPoolStatements(pool, file);
    try {
      await pool.query("CREATE TEMP TABLE IF NOT EXISTS t (n int)"); // 1 statement, not a write we count
      await pool.query("SELECT 1"); // 1 statement, no commit
      await pool.query("INSERT INTO t VALUES (1)"); // 1 statement, 1 commit of its own
      const client = await pool.connect();
      await client.query("BEGIN");
      await client.query("INSERT INTO t VALUES (2)");
      await client.query("UPDATE t SET n = n + 1");
      await client.query("COMMIT"); // 4 statements, 1 commit
      await client.query("BEGIN");
      await client.query("INSERT INTO t VALUES (3)");
      await client.query("ROLLBACK"); // 3 statements, no commit
      client.release();
      expect(await readStats(file)).toEqual({ statements: 10, commits: 2, rollbacks: 1 });
    } finally {
      await pool.end();
    }
  });
});
