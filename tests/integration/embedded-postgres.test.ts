// The embedded default of `npm start`: PGlite in a data folder, served on loopback. What it stores
// must survive a restart, and other commands must find the running server.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";

const dataDir = mkdtempSync(join(tmpdir(), "si-embedded-"));
process.env.DATA_DIR = dataDir;
const { startEmbeddedPostgres, findRunningEmbeddedPostgres } = await import("../../scripts/lib/embedded-postgres");
const { migrate } = await import("../../scripts/db/migrate");

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function query<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

describe("embedded PostgreSQL", () => {
  it("keeps migrated schema and data across a restart", async () => {
    const first = await startEmbeddedPostgres();
    try {
      expect((await migrate(first.url, { log: () => {} })).applied.length).toBeGreaterThan(0);
      await query(
        first.url,
        `INSERT INTO "User" (id, email, "displayName", "webauthnUserId") VALUES (gen_random_uuid(), $1, 'Kept', 'handle-1')`,
        ["kept@example.test"],
      );
    } finally {
      await first.stop();
    }

    const second = await startEmbeddedPostgres();
    try {
      expect((await migrate(second.url, { log: () => {} })).applied).toEqual([]);
      const rows = await query<{ displayName: string }>(second.url, `SELECT "displayName" FROM "User" WHERE email = $1`, [
        "kept@example.test",
      ]);
      expect(rows).toEqual([{ displayName: "Kept" }]);
    } finally {
      await second.stop();
    }
  });

  it("tells other commands where the running server is, and nothing once it stopped", async () => {
    const server = await startEmbeddedPostgres();
    try {
      expect(await findRunningEmbeddedPostgres()).toBe(server.url);
    } finally {
      await server.stop();
    }
    expect(await findRunningEmbeddedPostgres()).toBeNull();
  });
});
