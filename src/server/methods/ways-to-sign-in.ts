import "server-only";
import type { Tx } from "../db";
import { isTapUsable } from "../tap/tap-usable";

export interface WaysToSignIn {
  passkeys: number;
  /** A password and a confirmed authenticator app together: multifactor, so a way in. */
  passwordAndApp: boolean;
  /** A Temporary Access Pass that can still sign the user in. */
  usableTap: boolean;
}

/** What the user can still sign in with, read inside the caller's transaction (under lockUser). */
export async function getWaysToSignIn(tx: Tx, userId: string, now = new Date()): Promise<WaysToSignIn> {
  const user = await tx.user.findUniqueOrThrow({
    where: { id: userId },
    select: {
      passwordHash: true,
      authenticatorApp: { select: { confirmedAt: true } },
      temporaryAccessPass: { select: { expiresAt: true, oneTime: true, usedAt: true } },
      _count: { select: { passkeys: true } },
    },
  });
  return {
    passkeys: user._count.passkeys,
    passwordAndApp: user.passwordHash !== null && Boolean(user.authenticatorApp?.confirmedAt),
    usableTap: isTapUsable(user.temporaryAccessPass, now),
  };
}
