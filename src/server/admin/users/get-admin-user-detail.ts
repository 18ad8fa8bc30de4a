import "server-only";
import type { AdminUserDetail } from "@/contracts/admin-users";
import { getDb } from "../../db";
import { getUserPolicyAccess } from "../../policy/passkey-policy";
import { passkeyPolicyVerdict } from "../../policy/passkey-policy-verdict";
import { isTapUsable } from "../../tap/tap-usable";
import { getAccountSignInLock } from "../../throttle/sign-in-throttle";
import { getPasskeyProvider } from "../../webauthn/providers";

/** Everything the administrator's user page shows, or null for an unknown (or malformed) id. */
export async function getAdminUserDetail(userId: string, now = new Date()): Promise<AdminUserDetail | null> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(userId)) return null;
  const [user, access] = await Promise.all([
    getDb().user.findUnique({
      where: { id: userId },
      select: {
        id: true,
        email: true,
        displayName: true,
        role: true,
        createdAt: true,
        lastSignInAt: true,
        passwordHash: true,
        passwordChangedAt: true,
        authenticatorApp: { select: { confirmedAt: true } },
        temporaryAccessPass: { select: { expiresAt: true, oneTime: true, usedAt: true } },
        passkeys: {
          orderBy: [{ createdAt: "desc" }, { id: "asc" }],
          select: {
            id: true,
            name: true,
            aaguid: true,
            deviceType: true,
            backedUp: true,
            attestationFormat: true,
            attestationVerified: true,
            userVerified: true,
            transports: true,
            createdAt: true,
            lastUsedAt: true,
          },
        },
        _count: { select: { sessions: { where: { expiresAt: { gt: now } } } } },
      },
    }),
    getUserPolicyAccess(userId),
  ]);
  if (!user) return null;
  const lock = await getAccountSignInLock(user.email, now);
  const tap = user.temporaryAccessPass;
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    createdAt: user.createdAt.toISOString(),
    lastSignInAt: user.lastSignInAt?.toISOString() ?? null,
    passkeys: user.passkeys.map((p) => {
      const provider = getPasskeyProvider(p.aaguid);
      return {
        id: p.id,
        name: p.name,
        aaguid: p.aaguid,
        // Administrators are told plainly when no one names the maker; the AAGUID is shown beside it.
        providerName: provider.known ? provider.name : "Unknown provider",
        providerIconLight: provider.iconLight,
        providerIconDark: provider.iconDark,
        synced: p.deviceType === "multiDevice",
        backedUp: p.backedUp,
        attestationFormat: p.attestationFormat,
        attestationVerified: p.attestationVerified,
        userVerified: p.userVerified,
        transports: p.transports,
        createdAt: p.createdAt.toISOString(),
        lastUsedAt: p.lastUsedAt?.toISOString() ?? null,
        policy: passkeyPolicyVerdict(p, access.policy, { targeted: access.targeted }),
      };
    }),
    password: user.passwordHash ? { changedAt: user.passwordChangedAt?.toISOString() ?? null } : null,
    authenticatorApp: user.authenticatorApp?.confirmedAt ? { addedAt: user.authenticatorApp.confirmedAt.toISOString() } : null,
    temporaryAccessPass: tap && { expiresAt: tap.expiresAt.toISOString(), oneTime: tap.oneTime, usable: isTapUsable(tap, now) },
    activeSessions: user._count.sessions,
    signInLock: lock && { failures: lock.failures, lockedUntil: lock.lockedUntil?.toISOString() ?? null },
  };
}
