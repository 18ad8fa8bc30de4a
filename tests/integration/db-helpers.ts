// Database-level tools for the integration tests (not a test file itself): forcing races and
// failing one write, so transactional guarantees can be checked deterministically.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { getDb } from "@/server/db";

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  return client;
}

/**
 * Runs `operations` concurrently while another connection holds a lock on `table` that lets
 * reads through but blocks every write to it. The lock is released once `waiters` sessions wait
 * on a lock (or every operation has settled, or 5 s passed), so all of them have done their reads
 * before any of them writes: the interleaving a race needs, every time.
 */
export async function raceWrites<T>(
  table: "Passkey",
  waiters: number,
  operations: () => Promise<T>[],
): Promise<PromiseSettledResult<T>[]> {
  const locker = await connect();
  try {
    await locker.query("BEGIN");
    // SHARE ROW EXCLUSIVE conflicts with INSERT/UPDATE/DELETE (ROW EXCLUSIVE), not with SELECT.
    await locker.query(`LOCK TABLE "${table}" IN SHARE ROW EXCLUSIVE MODE`);
    let allSettled = false;
    const settled = Promise.allSettled(operations()).then((results) => {
      allSettled = true;
      return results;
    });
    const deadline = Date.now() + 5_000;
    while (!allSettled && Date.now() < deadline) {
      // Statistics views are snapshotted per transaction; this one must see every poll afresh.
      await locker.query("SELECT pg_stat_clear_snapshot()");
      const { rows } = await locker.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'`,
      );
      if (rows[0]!.n >= waiters) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await locker.query("COMMIT");
    return await settled;
  } finally {
    await locker.end();
  }
}

/**
 * Makes the database refuse to insert audit events of `type` about `subjectUserId` until the
 * returned function is called, to prove that a change and its audit row commit together.
 */
export async function refuseAuditInserts(type: string, subjectUserId: string): Promise<() => Promise<void>> {
  if (!/^[a-z_.]+$/.test(type) || !/^[0-9a-f-]{36}$/.test(subjectUserId)) throw new Error("unsafe trigger input");
  const name = `test_refuse_audit_${randomBytes(4).toString("hex")}`;
  const db = getDb();
  await db.$executeRawUnsafe(
    `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit insert refused by test'; END $$`,
  );
  await db.$executeRawUnsafe(
    `CREATE TRIGGER ${name} BEFORE INSERT ON "AuditEvent" FOR EACH ROW
       WHEN (NEW.type = '${type}' AND NEW."subjectUserId" = '${subjectUserId}'::uuid)
       EXECUTE FUNCTION ${name}()`,
  );
  return async () => {
    await db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS ${name} ON "AuditEvent"`);
    await db.$executeRawUnsafe(`DROP FUNCTION IF EXISTS ${name}()`);
  };
}
