// A bulk load into a fresh database keeps the report summaries (docs/decisions/018-report-summaries.md)
// in one pass per statement. The refresh's plans are cached per connection; a generic plan made
// while the summary tables were empty compared every loaded user with every other, so a fresh
// database's first 20,000-user batch took 55 s and each later one longer. PostgreSQL's own account
// of the plans it ran (auto_explain, with row counts) shows whether that comparison happens: it is
// counted here, not timed. Self-contained: its own database, made and dropped here.
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../scripts/db/migrate";
import { loadBulkBatch } from "../../scripts/db/seed-bulk";
import { serverUrl, urlOf, withClient } from "../fixtures/databases";

const database = `report_bulk_test_${randomBytes(4).toString("hex")}`;
const BATCH = 2_000;

beforeAll(async () => {
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE "${database}"`));
  await migrate(urlOf(database), { log: () => {} });
});

afterAll(async () => {
  await withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
});

/** Every plan `run` executes, nested ones (the triggers' statements) included, as EXPLAIN ANALYZE prints it. */
async function plansOf(client: pg.Client, run: () => Promise<unknown>): Promise<string[]> {
  const plans: string[] = [];
  const onNotice = (notice: { message?: string }) => {
    if (notice.message?.includes("plan:")) plans.push(notice.message);
  };
  await client.query(`LOAD 'auto_explain'`);
  await client.query(`SET auto_explain.log_min_duration = 0; SET auto_explain.log_nested_statements = on;
    SET auto_explain.log_analyze = on; SET auto_explain.log_timing = off; SET auto_explain.log_level = notice`);
  client.on("notice", onNotice);
  try {
    await run();
  } finally {
    client.off("notice", onNotice);
    await client.query(`SET auto_explain.log_min_duration = -1`);
  }
  return plans;
}

/** Rows each join looked at and threw away, summed over the plans. */
function rowsRemovedByJoins(plans: string[]): number {
  return plans
    .flatMap((plan) => [...plan.matchAll(/Rows Removed by Join Filter: (\d+)/g)])
    .reduce((sum, match) => sum + Number(match[1]), 0);
}

describe("report summaries under a bulk load", () => {
  it("refresh a fresh database's loaded users without comparing each with every other, and count them all", async () => {
    await withClient(urlOf(database), async (client) => {
      // One connection for every batch, as the loader has: the first batch's plans are made while
      // the summary tables are empty, and a connection keeps its plans.
      const batches: string[][] = [];
      for (let first = 1; first <= 2 * BATCH; first += BATCH) {
        batches.push(
          await plansOf(client, () => loadBulkBatch(client, { first, last: first + BATCH - 1, tag: "bulk", passwordHash: "not-a-hash" })),
        );
      }

      for (const plans of batches) {
        expect(plans.some((plan) => plan.includes('"UserCapability"'))).toBe(true);
        // A batch's users each meet a handful of rows; all of them against all would be millions.
        expect(rowsRemovedByJoins(plans)).toBeLessThan(BATCH);
      }
      const { rows } = await client.query<Record<string, number>>(
        `SELECT (SELECT count(*) FROM "User")::int AS "users",
           (SELECT count(*) FROM "UserCapability")::int AS "withProfile",
           (SELECT sum("users") FROM "CapabilityCount")::int AS "counted",
           (SELECT count(*) FROM "Passkey")::int AS "passkeys",
           (SELECT sum("passkeys") FROM "PasskeyKindCount")::int AS "passkeysCounted"`,
      );
      expect(rows[0]).toEqual({
        users: 2 * BATCH,
        withProfile: 2 * BATCH,
        counted: 2 * BATCH,
        passkeys: rows[0]!.passkeysCounted,
        passkeysCounted: expect.any(Number),
      });
      expect(rows[0]!.passkeys).toBeGreaterThan(BATCH);
    });
  });

  it("leave the connection's planning as it was once the refresh returns", async () => {
    await withClient(urlOf(database), async (client) => {
      await loadBulkBatch(client, { first: 2 * BATCH + 1, last: 2 * BATCH + 100, tag: "bulk", passwordHash: "not-a-hash" });
      const { rows } = await client.query<{ plan_cache_mode: string }>("SHOW plan_cache_mode");
      expect(rows[0]!.plan_cache_mode).toBe("auto");
    });
  });
});
