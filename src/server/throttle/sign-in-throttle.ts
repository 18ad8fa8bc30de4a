import "server-only";
import { createHash } from "node:crypto";
import { Prisma } from "@/generated/prisma/client";
import { recordAudit, type AuditContext } from "../audit";
import { getConfig } from "../config";
import { getDb, type Tx } from "../db";
import { AppError } from "../errors";
import { normaliseEmail } from "../users";
import { LOCKOUT_MEMORY_MS, MAX_LOCK_MS, lockedMessage } from "./lock-rules";

/** The two counters a non-passkey sign-in attempt touches: its account and its IP address. */
export interface ThrottleKeys {
  account: string;
  ip: string;
}

/**
 * The account key is a hash of the normalised email, whether or not such an account exists, so an
 * unknown email locks exactly like a known one (the lock says nothing about who has an account).
 */
export function throttleKeys(email: string, ip: string | null): ThrottleKeys {
  const digest = createHash("sha256").update(normaliseEmail(email)).digest("hex");
  return { account: `account:${digest}`, ip: `ip:${ip ?? "unknown"}` };
}

interface Reserved {
  key: string;
  lockouts: number;
  lockedUntil: Date | null;
}

/**
 * What one TAP, password or code attempt reserved before it was verified: the keys it was counted
 * on, and the locks it started (the attempt that reaches a threshold still runs; the next wait).
 */
export interface SignInAttempt {
  keys: ThrottleKeys;
  now: Date;
  locked: Array<{ scope: "account" | "ip"; lockouts: number; lockedUntil: Date }>;
}

// Timestamps are computed in SQL from epoch milliseconds, in UTC, as Prisma stores DateTime.
const at = (ms: number) => Prisma.sql`(to_timestamp(${ms}::double precision / 1000) AT TIME ZONE 'UTC')`;

/**
 * Counts the attempt on its account and its IP address before anything is verified, as a failure
 * until it proves otherwise, and refuses it while either key is locked: so however many attempts
 * race, at most SIGNIN_MAX_FAILURES of them on one account are ever verified. One statement: an
 * upsert per key that counts only while the key is not locked (under the row lock, on the newest
 * row version) and returns the keys it counted. Reaching the threshold locks the key at once, for
 * lockMs × 2^(earlier lockouts), at most a day; lockouts are forgotten a day after the last attempt.
 * A refused attempt is not counted. Passkey sign-in never calls this.
 * @throws SIGN_IN_LOCKED (with the seconds to wait, for Retry-After)
 */
export async function reserveSignInAttempt(keys: ThrottleKeys, now = new Date()): Promise<SignInAttempt> {
  const { signInMaxFailures, signInIpMaxFailures, signInLockMs } = getConfig();
  const nowMs = now.getTime();
  const ts = at(nowMs);
  const max = Prisma.sql`(CASE WHEN t."key" = ${keys.ip} THEN ${signInIpMaxFailures}::int ELSE ${signInMaxFailures}::int END)`;
  const forgotten = Prisma.sql`(t."lastFailureAt" < ${at(nowMs - LOCKOUT_MEMORY_MS)})`;
  const failures = Prisma.sql`(CASE WHEN ${forgotten} THEN 0 ELSE t."failures" END + 1)`;
  const lockouts = Prisma.sql`(CASE WHEN ${forgotten} THEN 0 ELSE t."lockouts" END)`;
  const reached = Prisma.sql`(${failures} >= ${max})`;
  const lockFor = (earlier: Prisma.Sql) =>
    Prisma.sql`${ts} + LEAST(${signInLockMs}::double precision * power(2, LEAST(${earlier}, 20)), ${MAX_LOCK_MS}::double precision) * interval '1 millisecond'`;
  const firstReaches = Prisma.sql`(1 >= v."max")`;
  // Keys in a fixed order (account before ip), so attempts sharing a key lock rows alike (no deadlock).
  const rows = await getDb().$queryRaw<Reserved[]>`
    INSERT INTO "SignInThrottle" AS t ("key", "failures", "lockouts", "lockedUntil", "lastFailureAt")
    SELECT v."key",
      CASE WHEN ${firstReaches} THEN 0 ELSE 1 END,
      CASE WHEN ${firstReaches} THEN 1 ELSE 0 END,
      CASE WHEN ${firstReaches} THEN ${lockFor(Prisma.sql`0`)} ELSE NULL END,
      ${ts}
    FROM (VALUES (${keys.account}, ${signInMaxFailures}::int), (${keys.ip}, ${signInIpMaxFailures}::int)) AS v("key", "max")
    WHERE NOT EXISTS (
      SELECT 1 FROM "SignInThrottle" WHERE "key" IN (${keys.account}, ${keys.ip}) AND "lockedUntil" > ${ts}
    )
    ON CONFLICT ("key") DO UPDATE SET
      "failures" = CASE WHEN ${reached} THEN 0 ELSE ${failures} END,
      "lockouts" = CASE WHEN ${reached} THEN ${lockouts} + 1 ELSE ${lockouts} END,
      "lockedUntil" = CASE WHEN ${reached} THEN ${lockFor(lockouts)} ELSE t."lockedUntil" END,
      "lastFailureAt" = ${ts}
    WHERE t."lockedUntil" IS NULL OR t."lockedUntil" <= ${ts}
    RETURNING t."key", t."lockouts", t."lockedUntil"`;

  const attempt: SignInAttempt = { keys, now, locked: [] };
  for (const row of rows) {
    // Only counted keys come back, and a counted key was open: locked now means this attempt locked it.
    if (row.lockedUntil && row.lockedUntil.getTime() > nowMs) {
      attempt.locked.push({ scope: row.key === keys.account ? "account" : "ip", lockouts: row.lockouts, lockedUntil: row.lockedUntil });
    }
  }
  if (rows.length === 2) return attempt;

  // Refused: a key was locked. A key counted before its partner turned out locked is handed back.
  await Promise.all(rows.map((row) => undoReservation(row.key, attempt, { resetFailures: false })));
  const locked = await getDb().signInThrottle.findMany({
    where: { key: { in: [keys.account, keys.ip] }, lockedUntil: { gt: now } },
    select: { lockedUntil: true },
  });
  // A lock that ended between the two statements: the attempt may simply be sent again.
  const remainingMs = Math.max(1000, ...locked.map((row) => row.lockedUntil!.getTime() - nowMs));
  throw new AppError("SIGN_IN_LOCKED", lockedMessage(remainingMs), {
    retryAfterSeconds: Math.ceil(remainingMs / 1000),
    cause: `locked until ${new Date(nowMs + remainingMs).toISOString()}`,
  });
}

/**
 * Hands one key's reservation back: the count goes down by one, or the lock this attempt started
 * is lifted (still the same lock: the same lockouts, not yet over). `resetFailures` clears the
 * failures too, as a successful sign-in does for its account.
 */
async function undoReservation(key: string, attempt: SignInAttempt, options: { resetFailures: boolean }): Promise<void> {
  const { signInMaxFailures, signInIpMaxFailures } = getConfig();
  const max = key === attempt.keys.ip ? signInIpMaxFailures : signInMaxFailures;
  const lock = attempt.locked.find((l) => (l.scope === "ip" ? attempt.keys.ip : attempt.keys.account) === key);
  const ours = lock
    ? Prisma.sql`("lockouts" = ${lock.lockouts}::int AND "lockedUntil" > ${at(attempt.now.getTime())})`
    : Prisma.sql`false`;
  const failures = options.resetFailures
    ? Prisma.sql`0`
    : Prisma.sql`CASE WHEN ${ours} THEN ${max - 1}::int ELSE GREATEST("failures" - 1, 0) END`;
  await getDb().$executeRaw`
    UPDATE "SignInThrottle" SET
      "failures" = ${failures},
      "lockouts" = CASE WHEN ${ours} THEN "lockouts" - 1 ELSE "lockouts" END,
      "lockedUntil" = CASE WHEN ${ours} THEN NULL ELSE "lockedUntil" END
    WHERE "key" = ${key}`;
}

/**
 * The attempt failed: it was counted when reserved, so what is left is to audit the locks it
 * started ("signin.locked"), and to drop keys whose last attempt is a day old on the way (they are
 * forgotten anyway, and the lastFailureAt index makes that cheap).
 */
export async function recordSignInFailure(
  attempt: SignInAttempt,
  input: { subjectUserId: string | null; ctx: AuditContext },
): Promise<void> {
  await getDb().$executeRaw`DELETE FROM "SignInThrottle" WHERE "lastFailureAt" < ${at(attempt.now.getTime() - LOCKOUT_MEMORY_MS)}`;
  for (const lock of attempt.locked) {
    await recordAudit(null, input.ctx, {
      type: "signin.locked",
      outcome: "success",
      subjectUserId: lock.scope === "account" ? input.subjectUserId : null,
      details: {
        scope: lock.scope,
        lockouts: lock.lockouts,
        lockedUntil: lock.lockedUntil.toISOString(),
        ...(lock.scope === "account" ? { key: attempt.keys.account } : { ip: attempt.keys.ip.slice(3) }),
      },
    });
  }
}

/**
 * The attempt succeeded: its address gets its reservation back, and its account's failures are
 * cleared (a lock this very attempt started is lifted); the account's earlier lockouts stay until
 * they are forgotten.
 */
export async function recordSignInSuccess(attempt: SignInAttempt): Promise<void> {
  await undoReservation(attempt.keys.account, attempt, { resetFailures: true });
  await undoReservation(attempt.keys.ip, attempt, { resetFailures: false });
}

/** Nothing was verified (the server was too busy to check a password): the attempt is not counted. */
export async function cancelSignInAttempt(attempt: SignInAttempt): Promise<void> {
  await undoReservation(attempt.keys.account, attempt, { resetFailures: false });
  await undoReservation(attempt.keys.ip, attempt, { resetFailures: false });
}

/** An account's sign-in counter as administrators see it. */
export interface AccountSignInLock {
  /** Attempts counted since the last lock or success (each is a failure until it proves otherwise). */
  failures: number;
  /** While locked, when the lock ends. */
  lockedUntil: Date | null;
}

/**
 * The counter of the account `email` signs in to, or null when there is nothing to clear: no
 * attempts counted, no lock running (failures a day old are forgotten, as the next attempt would).
 */
export async function getAccountSignInLock(email: string, now = new Date()): Promise<AccountSignInLock | null> {
  const row = await getDb().signInThrottle.findUnique({
    where: { key: throttleKeys(email, null).account },
    select: { failures: true, lockedUntil: true, lastFailureAt: true },
  });
  if (!row) return null;
  const failures = row.lastFailureAt.getTime() < now.getTime() - LOCKOUT_MEMORY_MS ? 0 : row.failures;
  const lockedUntil = row.lockedUntil && row.lockedUntil > now ? row.lockedUntil : null;
  return failures === 0 && !lockedUntil ? null : { failures, lockedUntil };
}

/**
 * Forgets the account's counter: its failures, its lock and its earlier lockouts (the next lock is
 * a first one again). The IP addresses' counters stay. One atomic delete, returning what it was.
 */
export async function clearAccountSignInLock(
  tx: Tx,
  email: string,
): Promise<{ failures: number; lockouts: number; lockedUntil: Date | null } | null> {
  const rows = await tx.$queryRaw<Array<{ failures: number; lockouts: number; lockedUntil: Date | null }>>`
    DELETE FROM "SignInThrottle" WHERE "key" = ${throttleKeys(email, null).account}
    RETURNING "failures", "lockouts", "lockedUntil"`;
  return rows[0] ?? null;
}
