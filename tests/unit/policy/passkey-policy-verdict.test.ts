import { describe, expect, it } from "vitest";
import { PasskeyPolicySettings } from "@/contracts/policy";
import { DEFAULT_PASSKEY_POLICY, type PasskeyPolicy } from "@/server/policy/passkey-policy";
import { passkeyPolicyVerdict } from "@/server/policy/passkey-policy-verdict";

const VIRTUAL = "01020304-0506-0708-0102-030405060708";
const OTHER = "ee882879-721c-4913-9775-3dfcce97072a";
const policy = (change: Partial<PasskeyPolicy> = {}): PasskeyPolicy => ({ ...DEFAULT_PASSKEY_POLICY, version: 1, ...change });
const bound = { aaguid: VIRTUAL, deviceType: "singleDevice" as const, attestationVerified: false };
const synced = { aaguid: VIRTUAL, deviceType: "multiDevice" as const, attestationVerified: false };
const targeted = { targeted: true };

describe("passkeyPolicyVerdict", () => {
  it("allows every passkey under the default policy", () => {
    expect(passkeyPolicyVerdict(synced, policy(), targeted)).toEqual({ allowed: true, rule: null, message: null });
  });

  it("refuses everything when passkeys are off, before any other rule", () => {
    const verdict = passkeyPolicyVerdict(synced, policy({ enabled: false, syncedAllowed: false }), targeted);
    expect(verdict).toMatchObject({ allowed: false, rule: "disabled" });
    expect(verdict.message).toMatch(/turned passkeys off/);
  });

  it("refuses users a selected target does not list, and only under a selected target", () => {
    expect(passkeyPolicyVerdict(bound, policy({ target: "selected" }), { targeted: false }).rule).toBe("notTargeted");
    expect(passkeyPolicyVerdict(bound, policy({ target: "selected" }), targeted).allowed).toBe(true);
    expect(passkeyPolicyVerdict(bound, policy({ target: "all" }), { targeted: false }).allowed).toBe(true);
  });

  it("refuses synced (backup-eligible) passkeys when only device-bound ones are allowed", () => {
    const verdict = passkeyPolicyVerdict(synced, policy({ syncedAllowed: false }), targeted);
    expect(verdict.rule).toBe("syncedNotAllowed");
    expect(verdict.message).toMatch(/only device-bound passkeys, such as a security key/);
    expect(passkeyPolicyVerdict(bound, policy({ syncedAllowed: false }), targeted).allowed).toBe(true);
  });

  it("applies an allow list and a block list, whatever the AAGUID's case", () => {
    const allow = policy({ keyRestriction: "allow", aaguids: [OTHER] });
    expect(passkeyPolicyVerdict(bound, allow, targeted).rule).toBe("aaguidNotAllowed");
    expect(passkeyPolicyVerdict({ ...bound, aaguid: OTHER.toUpperCase() }, allow, targeted).allowed).toBe(true);
    const block = policy({ keyRestriction: "block", aaguids: [VIRTUAL] });
    expect(passkeyPolicyVerdict({ ...bound, aaguid: VIRTUAL.toUpperCase() }, block, targeted).rule).toBe("aaguidBlocked");
    expect(passkeyPolicyVerdict({ ...bound, aaguid: OTHER }, block, targeted).allowed).toBe(true);
  });

  it("refuses passkeys whose attestation was not verified while attestation is enforced", () => {
    const enforced = policy({ enforceAttestation: true });
    const verdict = passkeyPolicyVerdict(bound, enforced, targeted);
    expect(verdict.rule).toBe("attestationNotVerified");
    expect(verdict.message).toMatch(/maker can be verified/);
    expect(passkeyPolicyVerdict({ ...bound, attestationVerified: true }, enforced, targeted).allowed).toBe(true);
    expect(passkeyPolicyVerdict(bound, policy({ enforceAttestation: false }), targeted).allowed).toBe(true);
  });

  it("names the key restriction before attestation: the narrower rule comes last", () => {
    const both = policy({ enforceAttestation: true, keyRestriction: "block", aaguids: [VIRTUAL] });
    expect(passkeyPolicyVerdict(bound, both, targeted).rule).toBe("aaguidBlocked");
  });

  it("ignores the list while the key restriction is off", () => {
    expect(passkeyPolicyVerdict(bound, policy({ keyRestriction: "off", aaguids: [VIRTUAL] }), targeted).allowed).toBe(true);
  });
});

describe("PasskeyPolicySettings", () => {
  const valid = {
    enabled: true,
    selfServiceSetup: true,
    target: "all",
    targetUserIds: [],
    syncedAllowed: true,
    keyRestriction: "block",
    aaguids: [` ${VIRTUAL.toUpperCase()} `, VIRTUAL],
    userVerification: "preferred",
    maxPasskeys: 10,
    enforceAttestation: false,
    campaignEnabled: true,
    campaignSnoozeDays: 1,
    campaignSkipLimit: 3,
  };

  it("stores AAGUIDs trimmed, lower-case and once", () => {
    expect(PasskeyPolicySettings.parse(valid).aaguids).toEqual([VIRTUAL]);
  });

  it.each([
    ["a malformed AAGUID", { aaguids: ["0102"] }],
    ["an allow list without AAGUIDs", { keyRestriction: "allow", aaguids: [] }],
    ["a selected target without users", { target: "selected" }],
    ["a user id that is not a UUID", { target: "selected", targetUserIds: ["admin"] }],
    ["0 passkeys", { maxPasskeys: 0 }],
    ["11 passkeys", { maxPasskeys: 11 }],
    ["2.5 passkeys", { maxPasskeys: 2.5 }],
    ["user verification 'discouraged'", { userVerification: "discouraged" }],
    ["a missing setting", { enabled: undefined }],
    ["an unknown setting", { enforceAttestations: true }],
    ["attestation enforcement that is not a boolean", { enforceAttestation: "yes" }],
  ])("refuses %s", (_name, change) => {
    expect(PasskeyPolicySettings.safeParse({ ...valid, ...change }).success).toBe(false);
  });
});
