// The security-info page's data and the browser's credential signals, on the real database.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CredentialSignals } from "@/contracts/signals";
import { getDb } from "@/server/db";
import { deleteUserPasskey } from "@/server/methods/delete-user-passkey";
import { getCredentialSignals } from "@/server/methods/get-credential-signals";
import { getSecurityInfo } from "@/server/methods/get-security-info";
import { listUserPasskeys } from "@/server/methods/list-user-passkeys";
import { makeUser, makeUserWithTap, signedIn, testCtx } from "../fixtures/factories";
import { SoftAuthenticator } from "../fixtures/soft-authenticator";
import { reportStatementsInThisBlock, statementsOf } from "../fixtures/statements";
import { registerPasskey } from "./webauthn-helpers";

const GOOGLE_AAGUID = "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4";

async function webauthnUserId(userId: string): Promise<string> {
  const row = await getDb().user.findUniqueOrThrow({ where: { id: userId }, select: { webauthnUserId: true } });
  return row.webauthnUserId;
}

describe("getCredentialSignals", () => {
  it("names the RP, the user's handle and names, and exactly the user's credential ids", async () => {
    const user = await makeUser({ displayName: "Ada Lovelace" });
    const a = await registerPasskey(user);
    const b = await registerPasskey(user, new SoftAuthenticator({ aaguid: GOOGLE_AAGUID }));
    const other = await registerPasskey(await makeUser());

    const signals = await getCredentialSignals(user.id);

    expect(signals).not.toBeNull();
    expect(CredentialSignals.strict().parse(signals)).toEqual(signals);
    expect({ ...signals!, acceptedCredentialIds: [...signals!.acceptedCredentialIds].sort() }).toEqual({
      rpId: "localhost",
      userId: await webauthnUserId(user.id),
      userName: user.email,
      displayName: "Ada Lovelace",
      acceptedCredentialIds: [a.credentialId, b.credentialId].sort(),
    });
    expect(signals!.acceptedCredentialIds).not.toContain(other.credentialId);
  });

  it("accepts no credential for a user without passkeys", async () => {
    const user = await makeUser();
    expect((await getCredentialSignals(user.id))?.acceptedCredentialIds).toEqual([]);
  });

  it("stops accepting a deleted passkey's credential id", async () => {
    const user = await makeUser();
    const keep = await registerPasskey(user);
    const gone = await registerPasskey(user);
    await deleteUserPasskey({ user: signedIn(user), passkeyId: gone.passkeyId, ctx: testCtx });
    expect((await getCredentialSignals(user.id))?.acceptedCredentialIds).toEqual([keep.credentialId]);
  });

  it("answers null for a user that does not exist", async () => {
    expect(await getCredentialSignals(randomUUID())).toBeNull();
  });
});

describe("getSecurityInfo", () => {
  it("gives the user's names, passkeys newest first, the policy and the signals", async () => {
    const user = await makeUser({ displayName: "Grace Hopper" });
    const first = await registerPasskey(user, undefined, "First");
    const second = await registerPasskey(user, new SoftAuthenticator({ aaguid: GOOGLE_AAGUID }), "Second");
    const third = await registerPasskey(user, undefined, "Third");
    await registerPasskey(await makeUser(), undefined, "Someone else's");

    const info = await getSecurityInfo(user.id);

    expect(info).not.toBeNull();
    expect(info!.passkeys.map((p) => p.id)).toEqual([third.passkeyId, second.passkeyId, first.passkeyId]);
    expect(info!.passkeys).toEqual(await listUserPasskeys(user.id));
    const expectedIds = [first.credentialId, second.credentialId, third.credentialId].sort();
    expect({ ...info!, signals: { ...info!.signals, acceptedCredentialIds: [...info!.signals.acceptedCredentialIds].sort() } }).toEqual({
      email: user.email,
      displayName: "Grace Hopper",
      passkeys: info!.passkeys,
      maxPasskeys: 10,
      passkeysEnabled: true,
      tap: null,
      isAdmin: false,
      signals: { ...(await getCredentialSignals(user.id))!, acceptedCredentialIds: expectedIds },
      methods: { password: null, authenticatorApp: null, defaultSignInMethod: null },
    });
    expect(info!.signals).toMatchObject({ rpId: "localhost", userId: await webauthnUserId(user.id), userName: user.email, displayName: "Grace Hopper" });
  });

  it("gives an empty list for a user without passkeys", async () => {
    const user = await makeUser();
    expect(await getSecurityInfo(user.id)).toMatchObject({ passkeys: [], maxPasskeys: 10, passkeysEnabled: true, signals: { acceptedCredentialIds: [] } });
  });

  it("answers null for a user that does not exist", async () => {
    expect(await getSecurityInfo(randomUUID())).toBeNull();
  });

  it("gives the Temporary Access Pass with its expiry while it can still sign the user in", async () => {
    const { user } = await makeUserWithTap({ oneTime: true });
    const { expiresAt } = await getDb().temporaryAccessPass.findUniqueOrThrow({ where: { userId: user.id } });
    expect((await getSecurityInfo(user.id))!.tap).toEqual({ expiresAt: expiresAt.toISOString(), oneTime: true });
    await getDb().temporaryAccessPass.update({ where: { userId: user.id }, data: { usedAt: new Date() } });
    expect((await getSecurityInfo(user.id))!.tap).toBeNull();

    const { user: other } = await makeUserWithTap();
    await getDb().temporaryAccessPass.update({ where: { userId: other.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await getSecurityInfo(other.id))!.tap).toBeNull();
  });

  it("says whether the user is an administrator", async () => {
    const admin = await makeUser({ role: "admin" });
    expect((await getSecurityInfo(admin.id))!.isAdmin).toBe(true);
    expect((await getSecurityInfo((await makeUser()).id))!.isAdmin).toBe(false);
  });
});

describe("getSecurityInfo's statements", () => {
  reportStatementsInThisBlock("security-info-statements");

  it("reads the user, their pass, app and passkeys and the policy in one statement", async () => {
    const { user } = await makeUserWithTap();
    await registerPasskey(user, undefined, "First");
    await registerPasskey(user, undefined, "Second");

    const { result, statements } = await statementsOf(() => getSecurityInfo(user.id));

    expect(statements).toHaveLength(1);
    expect(result!.passkeys.map((p) => p.name)).toEqual(["Second", "First"]);
    expect(result!.tap).not.toBeNull();
  });
});

