import "server-only";
import type { ChallengePurpose } from "@/generated/prisma/enums";
import { randomUUID } from "node:crypto";
import { Prisma } from "@/generated/prisma/client";
import { AppError } from "../errors";
import { getDb } from "../db";
import { policyFromRowJson, policyRowJsonSql, type PasskeyPolicy } from "../policy/passkey-policy";
import { sqlTimestamp } from "../sql-time";
import { ceremonyRateSql, countedRatesJsonSql, refuseOverRate, type CeremonyRateKeys, type CountedRate } from "../throttle/ceremony-rate-limit";

/** How long the browser has to answer a ceremony. */
export const CHALLENGE_TTL_MS = 5 * 60_000;

export interface StoredChallenge {
  value: string;
  purpose: ChallengePurpose;
  binding: string;
  userId: string | null;
}

/** At most this many expired challenges are removed by each new one. */
const EXPIRED_PER_CALL = 20;

/**
 * The CTEs that store a challenge (named "expiredChallenges" and "storedChallenge"), to run inside
 * a larger statement: expired challenges are removed on the way (the expiresAt index keeps that
 * cheap), a few per call. `when` (SQL) decides whether anything is written; `from` (SQL), when given,
 * is a FROM item the challenge is stored once per row of (for example the user it is for).
 */
export function storeChallengeSql(
  challenge: StoredChallenge,
  now: Date,
  { when = Prisma.sql`true`, from = null }: { when?: Prisma.Sql; from?: Prisma.Sql | null } = {},
): Prisma.Sql {
  return Prisma.sql`"expiredChallenges" AS (
      DELETE FROM "Challenge" WHERE ${when} AND "id" IN (
        SELECT "id" FROM "Challenge" WHERE "expiresAt" < ${sqlTimestamp(now)}
        ORDER BY "expiresAt" LIMIT ${EXPIRED_PER_CALL} FOR UPDATE SKIP LOCKED
      )
    ),
    "storedChallenge" AS (
      INSERT INTO "Challenge" ("id", "value", "purpose", "binding", "userId", "createdAt", "expiresAt")
      SELECT ${randomUUID()}::uuid, ${challenge.value}, ${challenge.purpose}::"ChallengePurpose", ${challenge.binding},
        ${challenge.userId}::uuid, ${sqlTimestamp(now)}, ${sqlTimestamp(now.getTime() + CHALLENGE_TTL_MS)}
      ${from ? Prisma.sql`FROM ${from}` : Prisma.empty}
      WHERE ${when}
    )`;
}

/**
 * Stores a challenge in PostgreSQL so that any app instance can verify it, in one statement that
 * also reads the passkey policy. With `rateKeys`, the same statement counts the request against the
 * ceremony rate limits and stores nothing once a limit is passed.
 * @throws RATE_LIMITED
 */
export async function createChallenge(
  challenge: StoredChallenge,
  { now = new Date(), rateKeys }: { now?: Date; rateKeys?: CeremonyRateKeys } = {},
): Promise<{ policy: PasskeyPolicy }> {
  const rate = rateKeys ? ceremonyRateSql(rateKeys, now) : null;
  const [row] = await getDb().$queryRaw<Array<{ rates: CountedRate[]; policy: unknown }>>`
    WITH ${rate ? Prisma.sql`${rate.ctes},` : Prisma.empty}
    ${storeChallengeSql(challenge, now, { when: rate?.allowed })}
    SELECT ${rate ? countedRatesJsonSql() : Prisma.sql`'[]'::json`} AS "rates",
      ${policyRowJsonSql()} AS "policy"`;
  if (rateKeys) refuseOverRate(row!.rates, rateKeys, now);
  return { policy: await policyFromRowJson(row!.policy) };
}

/**
 * The statement part that consumes a challenge: one DELETE ... RETURNING "value", "userId",
 * "expiresAt", so of two verifications racing on the same challenge exactly one gets the row. A
 * challenge minted for the other ceremony or for another browser session does not match and stays
 * untouched. Every ceremony consumes its challenge through this (alone in consumeChallenge, or as a
 * CTE of a larger statement). `when` (SQL) decides whether it is consumed.
 */
export function consumeChallengeSql(value: string, purpose: ChallengePurpose, binding: string, when: Prisma.Sql = Prisma.sql`true`): Prisma.Sql {
  return Prisma.sql`DELETE FROM "Challenge"
    WHERE "value" = ${value} AND "purpose" = ${purpose}::"ChallengePurpose" AND "binding" = ${binding} AND ${when}
    RETURNING "value", "userId", "expiresAt"`;
}

/**
 * Consumes a challenge (consumeChallengeSql) on its own.
 *
 * @throws CHALLENGE_INVALID when there is no such challenge (replayed, foreign, or never issued)
 * @throws CHALLENGE_EXPIRED when it was found but had expired
 */
export async function consumeChallenge(
  value: string,
  purpose: ChallengePurpose,
  binding: string | undefined,
  now = new Date(),
): Promise<StoredChallenge> {
  if (!binding) throw invalid();
  const rows = await getDb().$queryRaw<Array<{ value: string; userId: string | null; expiresAt: Date }>>`
    WITH "consumed" AS (${consumeChallengeSql(value, purpose, binding)})
    SELECT "value", "userId"::text AS "userId", "expiresAt" FROM "consumed"`;
  const row = rows[0];
  if (!row) throw invalid();
  if (row.expiresAt.getTime() <= now.getTime()) {
    throw new AppError("CHALLENGE_EXPIRED", "This request took too long. Please try again.");
  }
  return { value: row.value, purpose, binding, userId: row.userId };
}

/**
 * Takes back a challenge: one stored for a request then refused, or one whose response was refused
 * (a response is tried once). With `audit` (an INSERT statement), the refusal's audit event is
 * written in the same statement.
 */
export async function discardChallenge(
  challenge: Pick<StoredChallenge, "value" | "purpose" | "binding">,
  audit: Prisma.Sql | null = null,
): Promise<void> {
  await getDb().$queryRaw`WITH "consumed" AS (${consumeChallengeSql(challenge.value, challenge.purpose, challenge.binding)})
    ${audit ? Prisma.sql`, "audit" AS (${audit})` : Prisma.empty} SELECT 1`;
}

function invalid() {
  return new AppError(
    "CHALLENGE_INVALID",
    "This request is no longer valid. Please start again.",
  );
}

/** What the relying party reads of clientDataJSON itself, before the library checks the rest. */
export interface ClientData {
  /** The challenge the browser signed. */
  challenge: string;
  /** Set by a browser running the ceremony in a frame (see framedCeremonyProblem). */
  crossOrigin?: unknown;
  topOrigin?: unknown;
}

/**
 * clientDataJSON, decoded once. The library checks the challenge again against the stored one;
 * reading it first lets us find (and consume) the right row.
 * @throws INVALID_REQUEST when it is not JSON or carries no well-formed challenge
 */
export function readClientData(clientDataJSON: string): ClientData {
  try {
    const data: unknown = JSON.parse(Buffer.from(clientDataJSON, "base64url").toString("utf8"));
    if (data && typeof data === "object" && "challenge" in data && typeof data.challenge === "string") {
      if (/^[A-Za-z0-9_-]{16,512}$/.test(data.challenge)) {
        const { crossOrigin, topOrigin } = data as { crossOrigin?: unknown; topOrigin?: unknown };
        return { challenge: data.challenge, crossOrigin, topOrigin };
      }
    }
  } catch {
    // fall through
  }
  throw new AppError("INVALID_REQUEST", "The browser's response could not be read.");
}
