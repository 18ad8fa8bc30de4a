// The app's pool names each SQL text it sends, so a connection parses a statement once and
// PostgreSQL keeps its plan (src/server/db.ts): the same text is one prepared statement per
// connection, under one name, however often it runs.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "@/server/db";

describe("prepared statements", () => {
  it("prepares each SQL text once per connection, under the same name each time", async () => {
    const marker = `prepared_${randomBytes(4).toString("hex")}`;
    const prepared = await getDb().$transaction(async (tx) => {
      // A transaction holds one connection: both runs and the look at its statements share it.
      for (let run = 0; run < 3; run += 1) await tx.$queryRawUnsafe(`SELECT $1::text AS "${marker}"`, String(run));
      return tx.$queryRaw<Array<{ name: string; statement: string }>>`
        SELECT "name", "statement" FROM pg_prepared_statements WHERE "statement" LIKE ${`%${marker}%`} AND "statement" NOT LIKE '%pg_prepared_statements%'`;
    });
    expect(prepared).toHaveLength(1);
    expect(prepared[0]!.name).toMatch(/^si_\d+$/);
  });
});
