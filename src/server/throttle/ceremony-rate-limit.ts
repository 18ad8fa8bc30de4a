import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { getConfig } from "../config";
import { getDb } from "../db";
import { AppError } from "../errors";
import { rateLimitedMessage, secondsUntilWindowEnds, windowStartMs } from "./rate-window";
import { throttleKeys } from "./sign-in-throttle";

/** The counters one WebAuthn options request touches: always its IP address, and its account when known. */
export interface CeremonyRateKeys {
  ip: string;
  account: string | null;
}

/**
 * Keys for an options request. Sign-in names the account by email, hashed after normalising like the
 * sign-in throttle, so an unknown email is counted exactly like a known one; registration by the
 * signed-in user's id, so what others send with the user's email never blocks adding a passkey.
 */
export function ceremonyRateKeys(input: { ip: string | null | undefined; email?: string; userId?: string }): CeremonyRateKeys {
  if (input.email && !input.userId) return throttleKeys(input.email, input.ip ?? null);
  const ip = `ip:${input.ip ?? "unknown"}`;
  return { ip, account: input.userId ? `user:${input.userId}` : null };
}

interface CountedRow {
  key: string;
  count: number;
  windowStart: Date;
}

// Epoch milliseconds as a timestamptz, computed in SQL so no time zone is involved.
const at = (ms: number) => Prisma.sql`to_timestamp(${ms}::double precision / 1000)`;

/**
 * Counts this options request on each key and refuses it once a key is past its limit for the
 * current window. One SQL statement and no transaction: an upsert per key that restarts the count
 * when the stored window is over (stale rows are overwritten in place), and, in the same statement,
 * the removal of at most two rows of other keys whose windows ended a window ago, so keys that never
 * come back (one-off addresses) do not pile up. Refused requests are counted too; the count starts
 * again with the next window whatever happened in this one.
 * @throws RATE_LIMITED (with the seconds until the window ends, for Retry-After)
 */
export async function assertCeremonyRateAllowed(keys: CeremonyRateKeys, now = new Date()): Promise<void> {
  const { perIp, perAccount, windowMs } = getConfig().ceremonyRate;
  const nowMs = now.getTime();
  const start = windowStartMs(nowMs, windowMs);
  // Sorted, so two requests sharing keys always lock their rows in the same order (no deadlock).
  const names = [keys.ip, ...(keys.account ? [keys.account] : [])].sort();
  const rows = await getDb().$queryRaw<CountedRow[]>`
    WITH "stale" AS (
      DELETE FROM "RequestRate" WHERE "key" IN (
        SELECT "key" FROM "RequestRate"
        WHERE "windowStart" < ${at(start - windowMs)} AND "key" NOT IN (${Prisma.join(names)})
        ORDER BY "windowStart" LIMIT 2 FOR UPDATE SKIP LOCKED
      )
    )
    INSERT INTO "RequestRate" ("key", "windowStart", "count")
    VALUES ${Prisma.join(names.map((name) => Prisma.sql`(${name}, ${at(start)}, 1)`))}
    ON CONFLICT ("key") DO UPDATE SET
      -- An instance whose clock runs a little behind keeps counting in the newer window.
      "count" = CASE WHEN "RequestRate"."windowStart" >= EXCLUDED."windowStart" THEN "RequestRate"."count" + 1 ELSE 1 END,
      "windowStart" = GREATEST("RequestRate"."windowStart", EXCLUDED."windowStart")
    RETURNING "key", "count", "windowStart"`;

  const over = rows.filter((row) => row.count > (row.key === keys.ip ? perIp : perAccount));
  if (over.length === 0) return;
  const retryAfter = Math.max(...over.map((row) => secondsUntilWindowEnds(row.windowStart.getTime(), windowMs, nowMs)));
  throw new AppError("RATE_LIMITED", rateLimitedMessage(retryAfter), {
    retryAfterSeconds: retryAfter,
    cause: `over the limit: ${over.map((row) => row.key.split(":")[0]).join(", ")}`,
  });
}
