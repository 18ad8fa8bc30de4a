import "server-only";
import type { ChallengePurpose } from "@/generated/prisma/enums";
import { AppError } from "../errors";
import { getDb } from "../db";

/** How long the browser has to answer a ceremony. */
export const CHALLENGE_TTL_MS = 5 * 60_000;

export interface StoredChallenge {
  value: string;
  purpose: ChallengePurpose;
  binding: string;
  userId: string | null;
}

/**
 * Stores a challenge in PostgreSQL so that any app instance can verify it, and removes expired
 * ones on the way (the expiresAt index keeps that cheap).
 */
export async function createChallenge(challenge: StoredChallenge, now = new Date()): Promise<void> {
  const db = getDb();
  await db.$transaction([
    db.challenge.deleteMany({ where: { expiresAt: { lt: now } } }),
    db.challenge.create({
      data: { ...challenge, expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS) },
    }),
  ]);
}

/**
 * Consumes a challenge: one atomic DELETE ... RETURNING, so of two verifications racing on the same
 * challenge exactly one gets the row. A challenge minted for the other ceremony or for another
 * browser session does not match and stays untouched.
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
  const rows = await getDb().$queryRaw<Array<StoredChallenge & { expiresAt: Date }>>`
    DELETE FROM "Challenge"
    WHERE "value" = ${value} AND "purpose" = ${purpose}::"ChallengePurpose" AND "binding" = ${binding}
    RETURNING "value", "purpose", "binding", "userId"::text AS "userId", "expiresAt"`;
  const row = rows[0];
  if (!row) throw invalid();
  if (row.expiresAt.getTime() <= now.getTime()) {
    throw new AppError("CHALLENGE_EXPIRED", "This request took too long. Please try again.");
  }
  return { value: row.value, purpose: row.purpose, binding: row.binding, userId: row.userId };
}

function invalid() {
  return new AppError(
    "CHALLENGE_INVALID",
    "This request is no longer valid. Please start again.",
  );
}

/**
 * The challenge the browser signed, read from clientDataJSON. The library checks it again against
 * the stored one; reading it first lets us find (and consume) the right row.
 */
export function readClientChallenge(clientDataJSON: string): string {
  try {
    const data: unknown = JSON.parse(Buffer.from(clientDataJSON, "base64url").toString("utf8"));
    if (data && typeof data === "object" && "challenge" in data && typeof data.challenge === "string") {
      if (/^[A-Za-z0-9_-]{16,512}$/.test(data.challenge)) return data.challenge;
    }
  } catch {
    // fall through
  }
  throw new AppError("INVALID_REQUEST", "The browser's response could not be read.");
}
