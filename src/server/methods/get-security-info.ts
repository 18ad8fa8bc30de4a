import "server-only";
import type { OtherMethods } from "@/contracts/methods";
import type { PasskeySummary } from "@/contracts/passkeys";
import type { CredentialSignals } from "@/contracts/signals";
import { getDb } from "../db";
import { getUserPolicyAccess } from "../policy/passkey-policy";
import { isTapUsable } from "../tap/tap-usable";
import { toCredentialSignals } from "./get-credential-signals";
import { passkeyListOrder, passkeySummarySelect, toPasskeySummary } from "./passkey-summary";

export interface SecurityInfo {
  email: string;
  displayName: string;
  passkeys: PasskeySummary[];
  /** Most passkeys the policy allows, and whether adding passkeys is allowed at all. */
  maxPasskeys: number;
  passkeysEnabled: boolean;
  /** Whether a Temporary Access Pass can still sign the user in. */
  hasUsableTap: boolean;
  signals: CredentialSignals;
  /** The password, the authenticator app (once confirmed) and the chosen default sign-in method. */
  methods: OtherMethods;
}

/** Everything the security-info page shows, in one query. */
export async function getSecurityInfo(userId: string): Promise<SecurityInfo | null> {
  const [user, access] = await Promise.all([
    getDb().user.findUnique({
      where: { id: userId },
      select: {
        email: true,
        displayName: true,
        webauthnUserId: true,
        temporaryAccessPass: { select: { expiresAt: true, oneTime: true, usedAt: true } },
        passwordHash: true,
        passwordChangedAt: true,
        defaultSignInMethod: true,
        authenticatorApp: { select: { confirmedAt: true } },
        passkeys: { select: passkeySummarySelect, orderBy: passkeyListOrder },
      },
    }),
    getUserPolicyAccess(userId),
  ]);
  if (!user) return null;
  return {
    email: user.email,
    displayName: user.displayName,
    passkeys: user.passkeys.map((row) => toPasskeySummary(row, access)),
    maxPasskeys: access.policy.maxPasskeysPerUser,
    // Adding passkeys needs all three; the registration ceremony checks them again.
    passkeysEnabled: access.policy.enabled && access.policy.selfServiceSetup && access.targeted,
    hasUsableTap: isTapUsable(user.temporaryAccessPass),
    signals: toCredentialSignals(user),
    methods: {
      password: user.passwordHash ? { changedAt: (user.passwordChangedAt ?? new Date(0)).toISOString() } : null,
      authenticatorApp: user.authenticatorApp?.confirmedAt ? { addedAt: user.authenticatorApp.confirmedAt.toISOString() } : null,
      defaultSignInMethod: user.defaultSignInMethod,
    },
  };
}
