// Database faults on purpose (not a test file itself): a write of one user's rows held in
// pg_sleep by a test-only trigger, so a test knows the exact moment a save is under way and which
// backend runs it, then that backend terminated from another session (a connection cut).
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterEach, expect } from "vitest";

const admin = { client: null as pg.Client | null, cleanup: [] as string[] };

/** A connection of the test's own, outside the app's pool; closed (and holds dropped) after each test. */
export async function adminClient(): Promise<pg.Client> {
  if (!admin.client) {
    admin.client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.client.connect();
  }
  return admin.client;
}

afterEach(async () => {
  const client = admin.client;
  admin.client = null;
  if (!client) return;
  for (const statement of admin.cleanup.splice(0)) await client.query(statement);
  await client.end();
});

/** Holds every INSERT of `userId`'s rows into `table` in pg_sleep(30) until releaseHolds. */
export async function holdInsertsOf(table: "Passkey" | "UserSession", userId: string): Promise<void> {
  const client = await adminClient();
  const name = `fault_hold_${randomBytes(6).toString("hex")}`;
  await client.query(`
    CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW."userId" = '${userId.replace(/'/g, "''")}' THEN PERFORM pg_sleep(30); END IF;
      RETURN NEW;
    END $$`);
  await client.query(`CREATE TRIGGER ${name} BEFORE INSERT ON "${table}" FOR EACH ROW EXECUTE FUNCTION ${name}()`);
  admin.cleanup.push(`DROP TRIGGER IF EXISTS ${name} ON "${table}"`, `DROP FUNCTION IF EXISTS ${name}()`);
}

export async function releaseHolds(): Promise<void> {
  const client = await adminClient();
  for (const statement of admin.cleanup.splice(0)) await client.query(statement);
}

/**
 * Waits until a backend sleeps in a hold, then terminates it; returns its pid. Any sleeping backend
 * of the test database is a held one (the integration test files run one at a time); the statement's
 * text is not matched, since pg_stat_activity keeps only its first kilobyte.
 */
export async function terminateHeldBackend(table: "Passkey" | "UserSession"): Promise<number> {
  const client = await adminClient();
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    await client.query("SELECT pg_stat_clear_snapshot()");
    const { rows } = await client.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event = 'PgSleep' AND pid <> pg_backend_pid()`,
    );
    if (rows.length === 1) {
      const { rows: killed } = await client.query<{ ok: boolean }>("SELECT pg_terminate_backend($1) AS ok", [rows[0]!.pid]);
      expect(killed[0]!.ok).toBe(true);
      return rows[0]!.pid;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no statement reached its INSERT into ${table} within 10 s`);
}
