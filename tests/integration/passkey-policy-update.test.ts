// Saving the whole passkey policy: versioned (a stale version is refused), validated, audited with
// the difference, and a refused save changes nothing.
import { afterEach, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import type { PasskeyPolicySettings } from "@/contracts/policy";
import { getDb } from "@/server/db";
import { getPasskeyPolicy, getPasskeyPolicyForAdmin, updatePasskeyPolicy } from "@/server/policy/passkey-policy";
import { DEFAULT_POLICY_SETTINGS, restoreDefaultPasskeyPolicy } from "../fixtures/admin-policy";
import { makeUser, testCtx } from "../fixtures/factories";
import { rejectsWith } from "./webauthn-helpers";

const VIRTUAL = "01020304-0506-0708-0102-030405060708";

afterEach(restoreDefaultPasskeyPolicy);

function policyAudits() {
  return getDb().auditEvent.findMany({ where: { type: "policy.updated" }, orderBy: { id: "asc" } });
}

async function state() {
  return {
    row: await getDb().passkeyPolicy.findUnique({ where: { id: 1 } }),
    targets: await getDb().passkeyPolicyTarget.findMany({ orderBy: { userId: "asc" } }),
    audits: (await policyAudits()).length,
  };
}

async function save(policy: Partial<PasskeyPolicySettings>, version?: number) {
  const admin = await makeUser({ role: "admin" });
  const current = await getPasskeyPolicyForAdmin();
  return updatePasskeyPolicy(
    { version: version ?? current.version, policy: { ...current.policy, ...policy } },
    { userId: admin.id },
    testCtx,
  );
}

describe("saving the passkey policy", () => {
  it("starts from the defaults: everything allowed, preferred verification, 10 passkeys", async () => {
    const { policy } = await getPasskeyPolicyForAdmin();
    expect(policy).toEqual(DEFAULT_POLICY_SETTINGS);
  });

  it("replaces every setting, bumps the version and audits only what changed", async () => {
    const user = await makeUser();
    const start = await getPasskeyPolicyForAdmin();
    const after = await save({
      syncedAllowed: false,
      keyRestriction: "block",
      aaguids: [VIRTUAL.toUpperCase()],
      target: "selected",
      targetUserIds: [user.id],
      maxPasskeys: 3,
    });
    expect(after.version).toBe(start.version + 1);
    expect(after.policy).toMatchObject({ syncedAllowed: false, keyRestriction: "block", aaguids: [VIRTUAL], maxPasskeys: 3 });
    expect(after.targetUsers).toEqual([{ id: user.id, email: user.email, displayName: user.displayName }]);
    expect(await getPasskeyPolicy()).toMatchObject({ syncedAllowed: false, aaguids: [VIRTUAL], maxPasskeysPerUser: 3 });

    const audits = await policyAudits();
    expect(audits.at(-1)).toMatchObject({ outcome: "success", ip: testCtx.ip });
    expect(audits.at(-1)?.details).toEqual({
      version: after.version,
      changes: {
        syncedAllowed: { before: true, after: false },
        keyRestriction: { before: "off", after: "block" },
        aaguids: { before: [], after: [VIRTUAL] },
        target: { before: "all", after: "selected" },
        targetUserIds: { before: [], after: [user.id] },
        maxPasskeys: { before: 10, after: 3 },
      },
    });
  });

  it("refuses a save made from a stale version (POLICY_CONFLICT) and keeps the other administrator's save", async () => {
    const start = await getPasskeyPolicyForAdmin();
    await save({ maxPasskeys: 5 }, start.version);
    const before = await state();
    const error = await rejectsWith(save({ maxPasskeys: 7 }, start.version), "POLICY_CONFLICT");
    expect(error.message).toMatch(/Someone else saved the policy/);
    expect(await state()).toEqual(before);
    expect((await getPasskeyPolicy()).maxPasskeysPerUser).toBe(5);
  });

  it("refuses a selected user who does not exist, changing nothing", async () => {
    const before = await state();
    await rejectsWith(save({ target: "selected", targetUserIds: ["5b0cf1a4-8d2e-4f3a-9c1b-2d3e4f5a6b7c"] }), "USER_NOT_FOUND");
    expect(await state()).toEqual(before);
  });

  it.each([
    ["an AAGUID that is not a UUID", { keyRestriction: "block", aaguids: ["not-an-aaguid"] }],
    ["an empty allow list", { keyRestriction: "allow", aaguids: [] }],
    ["a selected target with nobody selected", { target: "selected", targetUserIds: [] }],
    ["0 passkeys", { maxPasskeys: 0 }],
    ["11 passkeys", { maxPasskeys: 11 }],
    ["an unknown restriction", { keyRestriction: "maybe" }],
    ["an unknown setting", { enforceAttestations: true }],
    ["15 snooze days", { campaignSnoozeDays: 15 }],
  ])("refuses %s (400) and changes nothing", async (_name, change) => {
    const before = await state();
    await expect(save(change as Partial<PasskeyPolicySettings>)).rejects.toBeInstanceOf(ZodError);
    expect(await state()).toEqual(before);
  });

  it("clears the selected users when the target goes back to all users", async () => {
    const user = await makeUser();
    await save({ target: "selected", targetUserIds: [user.id] });
    const after = await save({ target: "all", targetUserIds: [user.id] });
    expect(after.policy).toMatchObject({ target: "all", targetUserIds: [] });
    expect(await getDb().passkeyPolicyTarget.count()).toBe(0);
  });

  it("drops a deleted user from the selected users", async () => {
    const user = await makeUser();
    await save({ target: "selected", targetUserIds: [user.id] });
    await getDb().user.delete({ where: { id: user.id } });
    expect((await getPasskeyPolicyForAdmin()).targetUsers).toEqual([]);
  });
});
