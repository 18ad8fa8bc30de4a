import "server-only";
import type { CredentialSignals } from "@/contracts/signals";
import { getConfig } from "../config";
import { getDb } from "../db";

/** The user's accepted credentials and names, for the browser's Signal API; null if no such user. */
export async function getCredentialSignals(userId: string): Promise<CredentialSignals | null> {
  const user = await getDb().user.findUnique({
    where: { id: userId },
    select: { email: true, displayName: true, webauthnUserId: true, passkeys: { select: { credentialId: true } } },
  });
  if (!user) return null;
  return toCredentialSignals(user);
}

export function toCredentialSignals(user: {
  email: string;
  displayName: string;
  webauthnUserId: string;
  passkeys: { credentialId: string }[];
}): CredentialSignals {
  return {
    rpId: getConfig().rpId,
    userId: user.webauthnUserId,
    userName: user.email,
    displayName: user.displayName,
    acceptedCredentialIds: user.passkeys.map((p) => p.credentialId),
  };
}
