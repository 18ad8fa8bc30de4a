// The user's own passkeys: listUserPasskeys + renameUserPasskey on the real database.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "@/server/db";
import { listUserPasskeys } from "@/server/methods/list-user-passkeys";
import { renameUserPasskey } from "@/server/methods/rename-user-passkey";
import { makeUser, testCtx } from "../fixtures/factories";
import { SoftAuthenticator } from "../fixtures/soft-authenticator";
import type { AppError } from "@/server/errors";
import { raceWrites, refuseAuditInserts } from "./db-helpers";
import { auditEvents, expectOneSuccessAudit, passkeyRow, registerPasskey, rejectsWith } from "./webauthn-helpers";

const GOOGLE_AAGUID = "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4";
/** Provider icons are only ever `data:` image URLs (rendered through <img>). */
const DATA_IMAGE_URL = expect.stringMatching(/^data:image\/(png|jpeg|webp|svg\+xml);base64,[A-Za-z0-9+/]+={0,2}$/);

describe("listUserPasskeys", () => {
  it("lists only the user's own passkeys, newest first", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const first = await registerPasskey(alice, undefined, "Laptop");
    const bobs = await registerPasskey(bob, undefined, "Bob's phone");
    const second = await registerPasskey(alice, new SoftAuthenticator({ aaguid: GOOGLE_AAGUID, backupEligible: true, backupState: true, transports: ["hybrid", "internal"] }));
    const third = await registerPasskey(alice, new SoftAuthenticator({ transports: ["usb"] }), "YubiKey");

    const list = await listUserPasskeys(alice.id);

    // A passkey just added appears at the top.
    expect(list.map((p) => p.id)).toEqual([third.passkeyId, second.passkeyId, first.passkeyId]);
    expect(list.map((p) => p.credentialId)).toEqual([third.credentialId, second.credentialId, first.credentialId]);
    expect(list.map((p) => p.name)).toEqual(["YubiKey", "Google Password Manager", "Laptop"]);
    expect(list.map((p) => p.id)).not.toContain(bobs.passkeyId);
    const times = list.map((p) => Date.parse(p.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(list[1]).toMatchObject({
      aaguid: GOOGLE_AAGUID,
      provider: { name: "Google Password Manager", known: true, iconLight: DATA_IMAGE_URL, iconDark: DATA_IMAGE_URL },
      deviceType: "multiDevice",
      backedUp: true,
      transports: ["hybrid", "internal"],
      createdOn: { browser: null, os: null, device: null },
      lastUsedAt: null,
    });
    expect(list[0]).toMatchObject({
      provider: { name: "Passkey", known: false, iconLight: DATA_IMAGE_URL, iconDark: DATA_IMAGE_URL },
      deviceType: "singleDevice",
      transports: ["usb"],
    });
    // The summary exposes nothing a browser should not see.
    expect(Object.keys(list[0]!).sort()).toEqual(
      ["aaguid", "backedUp", "createdAt", "createdOn", "credentialId", "deviceType", "id", "lastUsedAt", "name", "policy", "provider", "transports"],
    );
    expect(Object.keys(list[0]!.provider).sort()).toEqual(["iconDark", "iconLight", "known", "name"]);
    expect(Object.keys(list[0]!.createdOn).sort()).toEqual(["browser", "device", "os"]);

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
    await expectOneSuccessAudit(user.id, "passkey.renamed", { passkeyId, from: "Old name", to: "Work laptop" });
  });

  it("renames only the passkey it names", async () => {
    const user = await makeUser();
    const keep = await registerPasskey(user, undefined, "Keep me");
    const change = await registerPasskey(user, undefined, "Change me");
    await renameUserPasskey(user.id, change.passkeyId, "Changed", testCtx);
    expect((await listUserPasskeys(user.id)).map((p) => p.name)).toEqual(["Changed", "Keep me"]);
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

  it("refuses a name another of the user's passkeys has, whatever its case (PASSKEY_NAME_TAKEN), suggests a free one and renames nothing", async () => {
    const user = await makeUser();
    const laptop = await registerPasskey(user, undefined, "laptop");
    const phone = await registerPasskey(user, undefined, "Phone");
    const before = await getDb().passkey.findMany({ where: { userId: user.id }, orderBy: { id: "asc" } });

    for (const clash of ["Laptop", "LAPTOP", "laptop", " laptop "]) {
      const error = await rejectsWith(renameUserPasskey(user.id, phone.passkeyId, clash, testCtx), "PASSKEY_NAME_TAKEN");
      expect(error.status).toBe(409);
    }
    const error = await rejectsWith(renameUserPasskey(user.id, phone.passkeyId, "Laptop", testCtx), "PASSKEY_NAME_TAKEN");
    expect(error.message).toContain('"Laptop (2)"');

    expect(await getDb().passkey.findMany({ where: { userId: user.id }, orderBy: { id: "asc" } })).toEqual(before);
    expect((await passkeyRow(laptop.credentialId))?.name).toBe("laptop");
    expect(await auditEvents(user.id, { type: "passkey.renamed" })).toHaveLength(0);
  });

  it("suggests the first free numbered name, skipping numbers taken in any case", async () => {
    const user = await makeUser();
    await registerPasskey(user, undefined, "Laptop");
    await registerPasskey(user, undefined, "laptop (2)");
    const phone = await registerPasskey(user, undefined, "Phone");

    const error = await rejectsWith(renameUserPasskey(user.id, phone.passkeyId, "Laptop", testCtx), "PASSKEY_NAME_TAKEN");
    expect(error.message).toContain('"Laptop (3)"');
    expect((await passkeyRow(phone.credentialId))?.name).toBe("Phone");
  });

  it("lets a passkey take its own name in another case", async () => {
    const user = await makeUser();
    const { passkeyId, credentialId } = await registerPasskey(user, undefined, "laptop");
    await registerPasskey(user, undefined, "Phone");

    const summary = await renameUserPasskey(user.id, passkeyId, "Laptop", testCtx);

    expect(summary).toMatchObject({ id: passkeyId, name: "Laptop" });
    expect((await passkeyRow(credentialId))?.name).toBe("Laptop");
    const events = await auditEvents(user.id, { type: "passkey.renamed" });
    expect(events.map((e) => e.details)).toEqual([{ passkeyId, from: "laptop", to: "Laptop" }]);
  });

  it("lets a user take a name another user's passkey has", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const alices = await registerPasskey(alice, undefined, "Laptop");
    const bobs = await registerPasskey(bob, undefined, "Old name");

    await renameUserPasskey(bob.id, bobs.passkeyId, "Laptop", testCtx);

    expect((await passkeyRow(bobs.credentialId))?.name).toBe("Laptop");
    expect((await passkeyRow(alices.credentialId))?.name).toBe("Laptop");
  });

  it("refuses a rename whose audit row cannot be written, and keeps the old name (one transaction)", async () => {
    const user = await makeUser();
    const { passkeyId, credentialId } = await registerPasskey(user, undefined, "Old name");
    const before = await passkeyRow(credentialId);
    const restore = await refuseAuditInserts("passkey.renamed", user.id);
    try {
      await expect(renameUserPasskey(user.id, passkeyId, "New name", testCtx)).rejects.toThrow(/audit insert refused by test/);
    } finally {
      await restore();
    }
    expect(await passkeyRow(credentialId)).toEqual(before);
    expect(await auditEvents(user.id, { type: "passkey.renamed" })).toHaveLength(0);
  });

  it("refuses one of two concurrent renames of two passkeys to names differing only in case (PASSKEY_NAME_TAKEN)", async () => {
    const user = await makeUser();
    const a = await registerPasskey(user, undefined, "First");
    const b = await registerPasskey(user, undefined, "Second");

    // Both renames check the user's names before either writes.
    const results = await raceWrites("Passkey", 2, () => [
      renameUserPasskey(user.id, a.passkeyId, "Laptop", testCtx),
      renameUserPasskey(user.id, b.passkeyId, "laptop", testCtx),
    ]);

    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected.map((r) => (r.reason as AppError).code)).toEqual(["PASSKEY_NAME_TAKEN"]);
    const names = (await listUserPasskeys(user.id)).map((p) => p.name.toLowerCase());
    expect(names.filter((n) => n === "laptop")).toHaveLength(1);
    expect(await auditEvents(user.id, { type: "passkey.renamed" })).toHaveLength(1);
  });

  it("refuses one of two concurrent renames of two passkeys to the same name (PASSKEY_NAME_TAKEN)", async () => {
    const user = await makeUser();
    const a = await registerPasskey(user, undefined, "First");
    const b = await registerPasskey(user, undefined, "Second");

    const results = await raceWrites("Passkey", 2, () => [
      renameUserPasskey(user.id, a.passkeyId, "Laptop", testCtx),
      renameUserPasskey(user.id, b.passkeyId, "Laptop", testCtx),
    ]);

    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected.map((r) => (r.reason as AppError).code)).toEqual(["PASSKEY_NAME_TAKEN"]);
    expect((rejected[0]!.reason as AppError).message).toContain('"Laptop (2)"');
    // The refused one keeps its old name.
    const kept = results[0]!.status === "rejected" ? "First" : "Second";
    expect((await listUserPasskeys(user.id)).map((p) => p.name).sort()).toEqual(["Laptop", kept].sort());
    expect(await auditEvents(user.id, { type: "passkey.renamed" })).toHaveLength(1);
  });
});
