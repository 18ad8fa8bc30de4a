import "server-only";
import type { PolicyRule, PolicyVerdict } from "@/contracts/policy";
import type { PasskeyPolicy } from "./passkey-policy";

/** What the verdict needs of a passkey: its maker and whether it can be synced. */
export interface PolicyPasskey {
  aaguid: string;
  /** multiDevice = backup eligible (synced); singleDevice = device-bound. */
  deviceType: "singleDevice" | "multiDevice";
  /** Its attestation statement verified against the FIDO metadata loaded at registration. */
  attestationVerified: boolean;
}

/** What the verdict needs of its owner: whether the policy's selected list names them. */
export interface PolicyUser {
  targeted: boolean;
}

const ALLOWED: PolicyVerdict = Object.freeze({ allowed: true, rule: null, message: null });

/** Why each rule refuses a passkey, and what the user can do about it. */
export const POLICY_RULE_MESSAGES: Record<PolicyRule, string> = {
  disabled: "Your organization has turned passkeys off. Sign in another way, such as your password and code.",
  notTargeted:
    "Your organization's passkey policy doesn't include your account. Sign in another way, or ask your administrator to include you.",
  syncedNotAllowed:
    "Your organization allows only device-bound passkeys, such as a security key or a passkey that stays on one device, not synced passkeys. Sign in another way and add a device-bound passkey.",
  aaguidNotAllowed:
    "Your organization allows only passkeys from approved providers, and this one isn't among them. Sign in another way and add a passkey from an approved provider.",
  aaguidBlocked:
    "Your organization has blocked passkeys from this provider. Sign in another way and add a passkey from another provider.",
  attestationNotVerified:
    "Your organization accepts only passkeys whose maker can be verified, and this passkey's maker wasn't verified when it was added. Sign in another way and add a passkey from a security key or provider that proves its make (attestation).",
};

/**
 * Whether the current policy accepts a passkey for its owner: the same answer for registration,
 * sign-in and the lists that mark passkeys. Rules are checked from the broadest to the narrowest,
 * so the message names the one the user must act on first.
 */
export function passkeyPolicyVerdict(passkey: PolicyPasskey, policy: PasskeyPolicy, user: PolicyUser): PolicyVerdict {
  const refuse = (rule: PolicyRule): PolicyVerdict => ({ allowed: false, rule, message: POLICY_RULE_MESSAGES[rule] });
  if (!policy.enabled) return refuse("disabled");
  if (policy.target === "selected" && !user.targeted) return refuse("notTargeted");
  if (!policy.syncedAllowed && passkey.deviceType === "multiDevice") return refuse("syncedNotAllowed");
  const aaguid = passkey.aaguid.toLowerCase();
  if (policy.keyRestriction === "allow" && !policy.aaguids.includes(aaguid)) return refuse("aaguidNotAllowed");
  if (policy.keyRestriction === "block" && policy.aaguids.includes(aaguid)) return refuse("aaguidBlocked");
  if (policy.enforceAttestation && !passkey.attestationVerified) return refuse("attestationNotVerified");
  return ALLOWED;
}
