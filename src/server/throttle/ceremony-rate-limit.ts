import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { getConfig } from "../config";
import { getDb } from "../db";
import { sqlTimestamptz } from "../sql-time";
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

/** Requests allowed per window on the IP key and on the account key. */
export interface RateLimits {
  perIp: number;
  perAccount: number;
  windowMs: number;
}

export interface CountedRate {
  key: string;
  count: number;
  windowStart: Date;
}

/**
 * Counts this options request on each key and refuses it once a key is past its limit for the
 * current window. One SQL statement and no transaction (see ceremonyRateSql).
 * @throws RATE_LIMITED (with the seconds until the window ends, for Retry-After)
 */
export async function assertCeremonyRateAllowed(
  keys: CeremonyRateKeys,
  now = new Date(),
  limits: RateLimits = getConfig().ceremonyRate,
): Promise<void> {
  const rate = ceremonyRateSql(keys, now, limits);
  const rows = await getDb().$queryRaw<CountedRate[]>`WITH ${rate.ctes} SELECT "key", "count", "windowStart" FROM "counted"`;
  refuseOverRate(rows, keys, now, limits);
}

/**
 * The CTEs that count one request on each key (named "staleRates" and "counted"; "counted" returns
 * each key's count in the current window), and a boolean SQL expression that is true while no key
 * is past its limit, so that a statement can write what the request asks only then. An upsert per
 * key restarts the count when the stored window is over (stale rows are overwritten in place); in the
 * same statement, at most two rows of other keys whose windows ended a window ago are removed, so
 * keys that never come back (one-off addresses) do not pile up. Refused requests are counted too;
 * the count starts again with the next window whatever happened in this one.
 */
export function ceremonyRateSql(
  keys: CeremonyRateKeys,
  now: Date,
  limits: RateLimits = getConfig().ceremonyRate,
): { ctes: Prisma.Sql; allowed: Prisma.Sql } {
  const { perIp, perAccount, windowMs } = limits;
  const start = windowStartMs(now.getTime(), windowMs);
  // Sorted, so two requests sharing keys always lock their rows in the same order (no deadlock).
  const names = [keys.ip, ...(keys.account ? [keys.account] : [])].sort();
  const ctes = Prisma.sql`"staleRates" AS (
      DELETE FROM "RequestRate" WHERE "key" IN (
        SELECT "key" FROM "RequestRate"
        WHERE "windowStart" < ${sqlTimestamptz(start - windowMs)} AND "key" NOT IN (${Prisma.join(names)})
        ORDER BY "windowStart" LIMIT 2 FOR UPDATE SKIP LOCKED
      )
    ),
    "counted" AS (
      INSERT INTO "RequestRate" ("key", "windowStart", "count")
      VALUES ${Prisma.join(names.map((name) => Prisma.sql`(${name}, ${sqlTimestamptz(start)}, 1)`))}
      ON CONFLICT ("key") DO UPDATE SET
        -- An instance whose clock runs a little behind keeps counting in the newer window.
        "count" = CASE WHEN "RequestRate"."windowStart" >= EXCLUDED."windowStart" THEN "RequestRate"."count" + 1 ELSE 1 END,
        "windowStart" = GREATEST("RequestRate"."windowStart", EXCLUDED."windowStart")
      RETURNING "key", "count", "windowStart"
    )`;
  const allowed = Prisma.sql`NOT EXISTS (
      SELECT 1 FROM "counted" WHERE "count" > CASE WHEN "key" = ${keys.ip} THEN ${perIp}::int ELSE ${perAccount}::int END
    )`;
  return { ctes, allowed };
}

/** The "counted" CTE of ceremonyRateSql as one JSON array of CountedRate, for refuseOverRate. */
export function countedRatesJsonSql(): Prisma.Sql {
  return Prisma.sql`(SELECT coalesce(json_agg(json_build_object('key', "key", 'count', "count", 'windowStart', "windowStart")), '[]') FROM "counted")`;
}

/** @throws RATE_LIMITED when a key's count (as "counted" returned it) is past its limit */
export function refuseOverRate(
  rows: CountedRate[],
  keys: CeremonyRateKeys,
  now: Date,
  limits: RateLimits = getConfig().ceremonyRate,
): void {
  const { perIp, perAccount, windowMs } = limits;
  const over = rows.filter((row) => row.count > (row.key === keys.ip ? perIp : perAccount));
  if (over.length === 0) return;
  const nowMs = now.getTime();
  const retryAfter = Math.max(...over.map((row) => secondsUntilWindowEnds(new Date(row.windowStart).getTime(), windowMs, nowMs)));
  throw new AppError("RATE_LIMITED", rateLimitedMessage(retryAfter), {
    retryAfterSeconds: retryAfter,
    cause: `over the limit: ${over.map((row) => row.key.split(":")[0]).join(", ")}`,
  });
}
