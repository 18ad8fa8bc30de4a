import "server-only";
import { createHash } from "node:crypto";
import { Prisma } from "@/generated/prisma/client";
import { recordAudit, type AuditContext } from "../audit";
import { getConfig } from "../config";
import { getDb } from "../db";
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

/**
 * Refuses the attempt before anything is verified while its account or IP address is locked. A
 * refused attempt is not counted again. Passkey sign-in never calls this.
 * @throws SIGN_IN_LOCKED (with the seconds to wait, for Retry-After)
 */
export async function assertSignInAllowed(keys: ThrottleKeys, now = new Date()): Promise<void> {
  const locked = await getDb().signInThrottle.findMany({
    where: { key: { in: [keys.account, keys.ip] }, lockedUntil: { gt: now } },
    select: { lockedUntil: true },
  });
  const until = Math.max(0, ...locked.map((row) => row.lockedUntil!.getTime()));
  if (until <= now.getTime()) return;
  const remainingMs = until - now.getTime();
  throw new AppError("SIGN_IN_LOCKED", lockedMessage(remainingMs), {
    retryAfterSeconds: Math.ceil(remainingMs / 1000),
    cause: `locked until ${new Date(until).toISOString()}`,
  });
}

interface CountedFailure {
  failures: number;
  lockouts: number;
  lockedUntil: Date | null;
}

// Timestamps are computed in SQL from epoch milliseconds, in UTC, as Prisma stores DateTime.
const at = (ms: number) => Prisma.sql`(to_timestamp(${ms}::double precision / 1000) AT TIME ZONE 'UTC')`;

/**
 * Counts one failure on `key` atomically. The UPDATE reads and writes the row under its row lock,
 * so failures racing on one key are each counted once (PostgreSQL re-evaluates the expressions on
 * the newest row version). Reaching `max` locks the key: failures restart at 0 and the lock lasts
 * lockMs × 2^(earlier lockouts), at most a day. Lockouts are forgotten a day after the last failure.
 * Returns null when the key was already locked (the attempt is not counted).
 */
async function countFailure(key: string, max: number, nowMs: number): Promise<CountedFailure | null> {
  const { signInLockMs } = getConfig();
  const db = getDb();
  const now = at(nowMs);
  await db.$executeRaw`
    INSERT INTO "SignInThrottle" ("key", "failures", "lockouts", "lockedUntil", "lastFailureAt")
    VALUES (${key}, 0, 0, NULL, ${now})
    ON CONFLICT ("key") DO NOTHING`;
  const forgotten = Prisma.sql`("lastFailureAt" < ${at(nowMs - LOCKOUT_MEMORY_MS)})`;
  const failures = Prisma.sql`(CASE WHEN ${forgotten} THEN 0 ELSE "failures" END + 1)`;
  const lockouts = Prisma.sql`(CASE WHEN ${forgotten} THEN 0 ELSE "lockouts" END)`;
  const reached = Prisma.sql`(${failures} >= ${max})`;
  const lockMs = Prisma.sql`LEAST(${signInLockMs}::double precision * power(2, LEAST(${lockouts}, 20)), ${MAX_LOCK_MS}::double precision)`;
  const rows = await db.$queryRaw<CountedFailure[]>`
    UPDATE "SignInThrottle" SET
      "failures" = CASE WHEN ${reached} THEN 0 ELSE ${failures} END,
      "lockouts" = CASE WHEN ${reached} THEN ${lockouts} + 1 ELSE ${lockouts} END,
      "lockedUntil" = CASE WHEN ${reached} THEN ${now} + ${lockMs} * interval '1 millisecond' ELSE "lockedUntil" END,
      "lastFailureAt" = ${now}
    WHERE "key" = ${key} AND ("lockedUntil" IS NULL OR "lockedUntil" <= ${now})
    RETURNING "failures", "lockouts", "lockedUntil"`;
  return rows[0] ?? null;
}

/**
 * Counts a failed TAP, password or code attempt on its account and its IP address; a counter that
 * reaches its threshold locks, and the lock is audited ("signin.locked").
 */
export async function recordSignInFailure(
  keys: ThrottleKeys,
  input: { subjectUserId: string | null; ctx: AuditContext },
  now = new Date(),
): Promise<void> {
  const config = getConfig();
  // Keys whose last failure is a day old are forgotten anyway (and their locks are over): drop
  // them on the way, as the lastFailureAt index allows cheaply.
  await getDb().$executeRaw`DELETE FROM "SignInThrottle" WHERE "lastFailureAt" < ${at(now.getTime() - LOCKOUT_MEMORY_MS)}`;
  const counted = await Promise.all([
    countFailure(keys.account, config.signInMaxFailures, now.getTime()).then((row) => ({ scope: "account" as const, row })),
    countFailure(keys.ip, config.signInIpMaxFailures, now.getTime()).then((row) => ({ scope: "ip" as const, row })),
  ]);
  for (const { scope, row } of counted) {
    // Failures restart at 0 only when the key was locked by this very failure.
    if (!row || row.failures !== 0 || !row.lockedUntil || row.lockedUntil.getTime() <= now.getTime()) continue;
    await recordAudit(null, input.ctx, {
      type: "signin.locked",
      outcome: "success",
      subjectUserId: scope === "account" ? input.subjectUserId : null,
      details: {
        scope,
        lockouts: row.lockouts,
        lockedUntil: row.lockedUntil.toISOString(),
        ...(scope === "account" ? { key: keys.account } : { ip: keys.ip.slice(3) }),
      },
    });
  }
}

/** A successful sign-in clears the account's failures; its lockouts stay until they are forgotten. */
export async function recordSignInSuccess(keys: ThrottleKeys): Promise<void> {
  await getDb().signInThrottle.updateMany({ where: { key: keys.account, failures: { gt: 0 } }, data: { failures: 0 } });
}
