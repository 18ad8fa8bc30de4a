// The user's own passkeys: listUserPasskeys + renameUserPasskey on the real database.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "@/server/db";
import { listUserPasskeys } from "@/server/methods/list-user-passkeys";
import { renameUserPasskey } from "@/server/methods/rename-user-passkey";
import { makeUser, testCtx } from "../fixtures/factories";
import { SoftAuthenticator } from "../fixtures/soft-authenticator";
import { auditEvents, passkeyRow, registerPasskey, rejectsWith } from "./webauthn-helpers";

const GOOGLE_AAGUID = "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4";

describe("listUserPasskeys", () => {
  it("lists only the user's own passkeys, oldest first", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const first = await registerPasskey(alice, undefined, "Laptop");
    const bobs = await registerPasskey(bob, undefined, "Bob's phone");
    const second = await registerPasskey(alice, new SoftAuthenticator({ aaguid: GOOGLE_AAGUID, backupEligible: true, backupState: true, transports: ["hybrid", "internal"] }));
    const third = await registerPasskey(alice, new SoftAuthenticator({ transports: ["usb"] }), "YubiKey");

    const list = await listUserPasskeys(alice.id);

    expect(list.map((p) => p.id)).toEqual([first.passkeyId, second.passkeyId, third.passkeyId]);
    expect(list.map((p) => p.name)).toEqual(["Laptop", "Google Password Manager", "YubiKey"]);
    expect(list.map((p) => p.id)).not.toContain(bobs.passkeyId);
    const times = list.map((p) => Date.parse(p.createdAt));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(list[1]).toMatchObject({
      aaguid: GOOGLE_AAGUID,
      providerName: "Google Password Manager",
      deviceType: "multiDevice",
      backedUp: true,
      transports: ["hybrid", "internal"],
      lastUsedAt: null,
    });
    expect(list[2]).toMatchObject({ providerName: "Passkey", deviceType: "singleDevice", transports: ["usb"] });
    // The summary exposes nothing a browser should not see.
    expect(Object.keys(list[0]!).sort()).toEqual(
      ["aaguid", "backedUp", "createdAt", "deviceType", "id", "lastUsedAt", "name", "providerName", "transports"],
    );

    expect((await listUserPasskeys(bob.id)).map((p) => p.id)).toEqual([bobs.passkeyId]);
  });

  it("orders passkeys created in the same instant by id, stably", async () => {
    const user = await makeUser();
    const a = await registerPasskey(user);
    const b = await registerPasskey(user);
    const sameTime = new Date("2030-01-01T00:00:00Z");
    await getDb().passkey.updateMany({ where: { userId: user.id }, data: { createdAt: sameTime } });

    const ids = (await listUserPasskeys(user.id)).map((p) => p.id);
    expect(ids).toEqual([a.passkeyId, b.passkeyId].sort());
    expect((await listUserPasskeys(user.id)).map((p) => p.id)).toEqual(ids);
  });

  it("lists nothing for a user without passkeys", async () => {
    const user = await makeUser();
    expect(await listUserPasskeys(user.id)).toEqual([]);
  });
});

describe("renameUserPasskey", () => {
  it("renames the user's own passkey and records it", async () => {
    const user = await makeUser();
    const { passkeyId, credentialId } = await registerPasskey(user, undefined, "Old name");

    const summary = await renameUserPasskey(user.id, passkeyId, "Work laptop", testCtx);

    expect(summary).toMatchObject({ id: passkeyId, name: "Work laptop" });
    expect((await passkeyRow(credentialId))?.name).toBe("Work laptop");
    expect((await listUserPasskeys(user.id)).map((p) => p.name)).toEqual(["Work laptop"]);
    const events = await auditEvents(user.id, { type: "passkey.renamed" });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      outcome: "success",
      actorId: user.id,
      subjectUserId: user.id,
      ip: testCtx.ip,
      userAgent: testCtx.userAgent,
      details: { passkeyId, from: "Old name", to: "Work laptop" },
    });
  });

  it("renames only the passkey it names", async () => {
    const user = await makeUser();
    const keep = await registerPasskey(user, undefined, "Keep me");
    const change = await registerPasskey(user, undefined, "Change me");
    await renameUserPasskey(user.id, change.passkeyId, "Changed", testCtx);
    expect((await listUserPasskeys(user.id)).map((p) => p.name)).toEqual(["Keep me", "Changed"]);
    expect((await passkeyRow(keep.credentialId))?.name).toBe("Keep me");
  });

  it("refuses to rename another user's passkey (PASSKEY_NOT_FOUND) and leaves its name alone", async () => {
    const alice = await makeUser();
    const mallory = await makeUser();
    const { passkeyId, credentialId } = await registerPasskey(alice, undefined, "Alice's phone");
    const before = await passkeyRow(credentialId);

    await rejectsWith(renameUserPasskey(mallory.id, passkeyId, "pwned", testCtx), "PASSKEY_NOT_FOUND");

    expect(await passkeyRow(credentialId)).toEqual(before);
    expect(await auditEvents(alice.id, { type: "passkey.renamed" })).toHaveLength(0);
    expect(await auditEvents(mallory.id, { type: "passkey.renamed" })).toHaveLength(0);
  });

  it("refuses a passkey that does not exist (PASSKEY_NOT_FOUND)", async () => {
    const user = await makeUser();
    await registerPasskey(user, undefined, "Mine");
    await rejectsWith(renameUserPasskey(user.id, randomUUID(), "Nope", testCtx), "PASSKEY_NOT_FOUND");
    expect((await listUserPasskeys(user.id)).map((p) => p.name)).toEqual(["Mine"]);
    expect(await auditEvents(user.id, { type: "passkey.renamed" })).toHaveLength(0);
  });
});
