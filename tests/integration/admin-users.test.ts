// Administrators' user list (search, filters, keyset pages) and their actions on one user.
import { afterEach, describe, expect, it } from "vitest";
import { ListUsersQuery, USER_COUNT_CAP, USER_LIST_PAGE_SIZE, IssueUserTapBody } from "@/contracts/admin-users";
import { getDb } from "@/server/db";
import { getUserCampaignPrompt } from "@/server/campaign/get-user-campaign-prompt";
import { updateCampaignSettings } from "@/server/policy/passkey-policy";
import { createUserSession, isUserSessionActive } from "@/server/sessions/user-sessions";
import { deletePasskeyAsAdmin } from "@/server/admin/users/delete-passkey-as-admin";
import { getAdminUserDetail } from "@/server/admin/users/get-admin-user-detail";
import { clearSignInLockAsAdmin } from "@/server/admin/users/clear-sign-in-lock-as-admin";
import { issueTapAsAdmin } from "@/server/admin/users/issue-tap-as-admin";
import { listUsers } from "@/server/admin/users/list-users";
import { requireReregistration } from "@/server/admin/users/require-reregistration";
import { revokeSessionsAsAdmin } from "@/server/admin/users/revoke-sessions-as-admin";
import { encodeUserListCursor } from "@/server/admin/users/user-list-cursor";
import { signInWithTap } from "@/server/tap/sign-in-with-tap";
import { hashTapCode } from "@/server/tap/tap-code";
import { throttleKeys } from "@/server/throttle/sign-in-throttle";
import { restoreDefaultPasskeyPolicy, setPasskeyPolicy } from "../fixtures/admin-policy";
import { makeUsers, storePasskey, uniqueSearchPrefix } from "../fixtures/admin-users";
import { giveAuthenticatorApp, givePassword } from "../fixtures/credentials";
import { makeUser, makeUserWithTap, signedIn, testCtx } from "../fixtures/factories";
import { auditEvents, rejectsWith } from "./webauthn-helpers";

const search = (q: string, extra: Partial<ListUsersQuery> = {}) => listUsers(ListUsersQuery.parse({ q, ...extra }));
const emails = (page: { users: Array<{ email: string }> }) => page.users.map((u) => u.email);

describe("admin user list: keyset pages", () => {
  it("walks 120 users in pages of 50 forwards and back, with exact counts", async () => {
    const prefix = uniqueSearchPrefix();
    const users = await makeUsers(prefix, 120);
    const all = users.map((u) => u.email);

    const first = await search(prefix);
    expect(emails(first)).toEqual(all.slice(0, 50));
    expect(first.total).toEqual({ count: 120, approximate: false, capped: false });
    expect(first.previousCursor).toBeNull();
    expect(first.nextCursor).not.toBeNull();

    const second = await search(prefix, { after: first.nextCursor! });
    expect(emails(second)).toEqual(all.slice(50, 100));
    expect(second.previousCursor).not.toBeNull();

    const last = await search(prefix, { after: second.nextCursor! });
    expect(emails(last)).toEqual(all.slice(100));
    expect(last.nextCursor).toBeNull();
    expect(last.previousCursor).not.toBeNull();

    const backToSecond = await search(prefix, { before: last.previousCursor! });
    expect(emails(backToSecond)).toEqual(all.slice(50, 100));
    expect(backToSecond.nextCursor).not.toBeNull();
    const backToFirst = await search(prefix, { before: backToSecond.previousCursor! });
    expect(emails(backToFirst)).toEqual(all.slice(0, 50));
    expect(backToFirst.previousCursor).toBeNull();
    expect(backToFirst.nextCursor).not.toBeNull();
  });

  it("offers no next page when the matches are an exact multiple of the page size", async () => {
    const prefix = uniqueSearchPrefix();
    const users = await makeUsers(prefix, USER_LIST_PAGE_SIZE * 2);
    const first = await search(prefix);
    const second = await search(prefix, { after: first.nextCursor! });
    expect(emails(second)).toEqual(users.slice(USER_LIST_PAGE_SIZE).map((u) => u.email));
    expect(second.nextCursor).toBeNull();
  });

  it("answers an empty page, not an error, when nothing matches", async () => {
    const page = await search(uniqueSearchPrefix());
    expect(page).toEqual({ users: [], total: { count: 0, approximate: false, capped: false }, nextCursor: null, previousCursor: null });
  });

  it("keeps a page stable when users are added before it (keyset, not offset)", async () => {
    const prefix = uniqueSearchPrefix();
    const users = await makeUsers(prefix, 60);
    const first = await search(prefix);
    // Sorts before every existing one: an OFFSET page would now repeat a row.
    await makeUsers(`${prefix}-0`, 1);
    const second = await search(prefix, { after: first.nextCursor! });
    expect(emails(second)).toEqual(users.slice(50).map((u) => u.email));
  });

  it("refuses a tampered or foreign cursor with 400 INVALID_REQUEST", async () => {
    const prefix = uniqueSearchPrefix();
    await makeUsers(prefix, 3);
    for (const cursor of [
      "not-a-cursor",
      Buffer.from("{}").toString("base64url"),
      Buffer.from(JSON.stringify(["a@example.test", "not-a-uuid"])).toString("base64url"),
      Buffer.from(JSON.stringify(["", "00000000-0000-4000-8000-000000000000"])).toString("base64url"),
      Buffer.from(JSON.stringify(["a@example.test", "00000000-0000-4000-8000-000000000000", "x"])).toString("base64url"),
    ]) {
      await rejectsWith(search(prefix, { after: cursor }), "INVALID_REQUEST");
      await rejectsWith(search(prefix, { before: cursor }), "INVALID_REQUEST");
    }
    const valid = encodeUserListCursor({ email: `${prefix}-000@example.test`, id: "00000000-0000-4000-8000-000000000000" });
    expect(ListUsersQuery.safeParse({ after: valid, before: valid }).success).toBe(false);
    expect(ListUsersQuery.safeParse({ filter: "admins" }).success).toBe(false);
    expect(ListUsersQuery.safeParse({ q: "x".repeat(255) }).success).toBe(false);
    expect(ListUsersQuery.safeParse({ offset: "50" }).success).toBe(false);
  });
});

describe("admin user list: search", () => {
  it("finds users by email prefix and by display-name prefix, ignoring case", async () => {
    const prefix = uniqueSearchPrefix();
    const named = `Qx${prefix.slice(2)}`;
    const [byEmail] = await makeUsers(prefix, 1);
    const [byName] = await makeUsers(uniqueSearchPrefix(), 1, `${named} Lovelace`);
    expect(emails(await search(prefix.toUpperCase()))).toEqual([byEmail!.email]);
    expect(emails(await search(named.toLowerCase()))).toEqual([byName!.email]);
    expect(emails(await search(named.toUpperCase()))).toEqual([byName!.email]);
    expect(emails(await search(`${named} love`))).toEqual([byName!.email]);
    expect(emails(await search(`${named} lovx`))).toEqual([]);
  });

  it("pages through email and name matches together, in email order, forwards and back", async () => {
    // Each user's name starts with the search but every other email does not: half the matches
    // come from the email index, half from the name index, interleaved in email order.
    const hex = uniqueSearchPrefix().slice(2);
    const named = `Qn${hex}`;
    const byEmail = await makeUsers(named.toLowerCase(), 60, "Someone Else");
    const byName = await makeUsers(`zz${hex}`, 60, `${named} Person`);
    const alsoByName = await makeUsers(`aa${hex}`, 5, `${named.toUpperCase()} Shouting`);
    // Matching both ways counts once.
    await getDb().user.updateMany({ where: { id: { in: byEmail.slice(0, 10).map((u) => u.id) } }, data: { displayName: `${named} Both` } });
    const all = [...alsoByName, ...byEmail, ...byName].map((u) => u.email);

    const first = await search(named.toLowerCase());
    expect(emails(first)).toEqual(all.slice(0, 50));
    expect(first.total).toEqual({ count: 125, approximate: false, capped: false });
    const second = await search(named.toLowerCase(), { after: first.nextCursor! });
    expect(emails(second)).toEqual(all.slice(50, 100));
    const third = await search(named.toLowerCase(), { after: second.nextCursor! });
    expect(emails(third)).toEqual(all.slice(100));
    expect(third.nextCursor).toBeNull();
    const back = await search(named.toLowerCase(), { before: third.previousCursor! });
    expect(emails(back)).toEqual(all.slice(50, 100));
    // A search only the emails start with finds only those.
    expect((await search(`${named.toLowerCase()}-`)).total).toEqual({ count: 60, approximate: false, capped: false });
  });

  it(`counts matches up to ${USER_COUNT_CAP} and then says there are more`, async () => {
    const prefix = uniqueSearchPrefix();
    const users = await makeUsers(prefix, USER_COUNT_CAP + 1);
    const capped = await search(prefix);
    expect(capped.total).toEqual({ count: USER_COUNT_CAP, approximate: false, capped: true });
    expect(emails(capped)).toEqual(users.slice(0, USER_LIST_PAGE_SIZE).map((u) => u.email));
    await getDb().user.delete({ where: { id: users.at(-1)!.id } });
    expect((await search(prefix)).total).toEqual({ count: USER_COUNT_CAP, approximate: false, capped: false });
    // Name matches count towards the cap too.
    await makeUsers(`yy${prefix.slice(2)}`, 1, prefix.toUpperCase());
    expect((await search(prefix)).total).toEqual({ count: USER_COUNT_CAP, approximate: false, capped: true });
  });

  it("treats % and _ in a search as letters, not wildcards", async () => {
    const prefix = uniqueSearchPrefix();
    await makeUsers(prefix, 2);
    expect((await search(`${prefix.slice(0, -1)}_`)).users).toEqual([]);
    expect((await search(`${prefix.slice(0, 4)}%`)).users).toEqual([]);
  });

  it("shows each user's passkey count, other methods and last sign-in", async () => {
    const prefix = uniqueSearchPrefix();
    const [a, b] = await makeUsers(prefix, 2);
    await storePasskey(a!.id);
    await storePasskey(a!.id);
    await givePassword(b!.id);
    await giveAuthenticatorApp(b!.id);
    const signedInAt = new Date("2026-01-02T03:04:05.000Z");
    await getDb().user.update({ where: { id: b!.id }, data: { lastSignInAt: signedInAt } });
    expect((await search(prefix)).users).toEqual([
      { id: a!.id, email: a!.email, displayName: a!.displayName, role: "user", passkeys: 2, hasPassword: false, hasAuthenticatorApp: false, lastSignInAt: null },
      { id: b!.id, email: b!.email, displayName: b!.displayName, role: "user", passkeys: 0, hasPassword: true, hasAuthenticatorApp: true, lastSignInAt: signedInAt.toISOString() },
    ]);
  });
});

describe("admin user list: filters", () => {
  afterEach(async () => {
    await updateCampaignSettings({ campaignEnabled: true, campaignSkipLimit: 3, campaignSnoozeDays: 1 }, { userId: (await makeUser()).id }, testCtx);
  });

  it("filters on having a passkey, having none, and a pending registration campaign", async () => {
    const prefix = uniqueSearchPrefix();
    const [withKey, fresh, snoozed, snoozedOut, snoozeOver] = await makeUsers(prefix, 5);
    await storePasskey(withKey!.id);
    const hour = 3_600_000;
    await getDb().user.update({ where: { id: snoozed!.id }, data: { campaignSkips: 1, campaignSnoozedUntil: new Date(Date.now() + hour) } });
    await getDb().user.update({ where: { id: snoozedOut!.id }, data: { campaignSkips: 3, campaignSnoozedUntil: new Date(Date.now() + hour) } });
    await getDb().user.update({ where: { id: snoozeOver!.id }, data: { campaignSkips: 1, campaignSnoozedUntil: new Date(Date.now() - hour) } });

    const has = await search(prefix, { filter: "has-passkey" });
    expect(emails(has)).toEqual([withKey!.email]);
    expect(has.total).toEqual({ count: 1, approximate: false, capped: false });
    expect(emails(await search(prefix, { filter: "no-passkey" }))).toEqual([fresh, snoozed, snoozedOut, snoozeOver].map((u) => u!.email));
    const pending = await search(prefix, { filter: "campaign-pending" });
    expect(emails(pending)).toEqual([fresh, snoozedOut, snoozeOver].map((u) => u!.email));
    expect(pending.total.count).toBe(3);

    await updateCampaignSettings({ campaignEnabled: false }, { userId: withKey!.id }, testCtx);
    expect(await search(prefix, { filter: "campaign-pending" })).toMatchObject({ users: [], total: { count: 0 } });
  });
});

describe("admin user detail", () => {
  it("shows the profile and every method, with each passkey's provider and flags", async () => {
    const user = await makeUser();
    await givePassword(user.id);
    const used = new Date("2026-03-04T05:06:07.000Z");
    const key = await storePasskey(user.id, {
      aaguid: "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4",
      name: "Work phone",
      synced: true,
      attestationFormat: "packed",
      attestationVerified: true,
      transports: ["hybrid", "internal"],
      lastUsedAt: used,
    });
    await storePasskey(user.id, { name: "Desk key", synced: false, backedUp: false, aaguid: "00000000-0000-0000-0000-000000000000", transports: ["usb"] });
    await createUserSession(user.id);
    const detail = await getAdminUserDetail(user.id);
    expect(detail).toMatchObject({ id: user.id, email: user.email, role: "user", password: { changedAt: expect.any(String) }, authenticatorApp: null, activeSessions: 1 });
    expect(detail!.passkeys.find((p) => p.id === key.id)).toMatchObject({
      name: "Work phone",
      providerName: "Google Password Manager",
      synced: true,
      backedUp: true,
      attestationFormat: "packed",
      attestationVerified: true,
      transports: ["hybrid", "internal"],
      lastUsedAt: used.toISOString(),
    });
    // An AAGUID no one names (all zeros, as the test authenticators send) is "Unknown provider" here, with its AAGUID.
    expect(detail!.passkeys.find((p) => p.name === "Desk key")).toMatchObject({
      providerName: "Unknown provider",
      aaguid: "00000000-0000-0000-0000-000000000000",
      synced: false,
      backedUp: false,
      lastUsedAt: null,
    });
  });

  it("says for each passkey whether the current policy would still accept it, and which rule refuses it", async () => {
    const user = await makeUser();
    const synced = await storePasskey(user.id, { name: "Synced one", synced: true, backedUp: true });
    const bound = await storePasskey(user.id, { name: "Bound one", synced: false, backedUp: false, aaguid: "00000000-0000-0000-0000-000000000000" });
    const verdicts = async () => {
      const detail = await getAdminUserDetail(user.id);
      return Object.fromEntries(detail!.passkeys.map((p) => [p.id, p.policy]));
    };
    try {
      expect(await verdicts()).toEqual({
        [synced.id]: { allowed: true, rule: null, message: null },
        [bound.id]: { allowed: true, rule: null, message: null },
      });
      await setPasskeyPolicy({ syncedAllowed: false });
      const deviceBoundOnly = await verdicts();
      expect(deviceBoundOnly[synced.id]).toMatchObject({ allowed: false, rule: "syncedNotAllowed" });
      expect(deviceBoundOnly[bound.id]).toMatchObject({ allowed: true, rule: null });
      const someoneElse = await makeUser();
      await setPasskeyPolicy({ syncedAllowed: true, target: "selected", targetUserIds: [someoneElse.id] });
      expect(Object.values(await verdicts()).map((v) => v.rule)).toEqual(["notTargeted", "notTargeted"]);
    } finally {
      await restoreDefaultPasskeyPolicy();
    }
  });

  it("answers null for an unknown or malformed user id", async () => {
    expect(await getAdminUserDetail("00000000-0000-4000-8000-000000000000")).toBeNull();
    expect(await getAdminUserDetail("not-a-uuid")).toBeNull();
  });
});

describe("admin actions", () => {
  const unknownId = "00000000-0000-4000-8000-000000000000";

  it("deletes a user's passkey and audits it as the administrator's act", async () => {
    const [admin, user] = [await makeUser({ role: "admin" }), await makeUser()];
    const keep = await storePasskey(user.id);
    const gone = await storePasskey(user.id);
    expect(await deletePasskeyAsAdmin({ adminId: admin.id, userId: user.id, passkeyId: gone.id, ctx: testCtx })).toEqual({ deleted: gone.id });
    expect((await getDb().passkey.findMany({ where: { userId: user.id } })).map((p) => p.id)).toEqual([keep.id]);
    const [event, ...rest] = await auditEvents(user.id, { type: "admin.passkey.deleted" });
    expect(rest).toEqual([]);
    expect(event).toMatchObject({ outcome: "success", actorId: admin.id, ip: testCtx.ip, details: { passkeyId: gone.id, credentialId: gone.credentialId } });
  });

  it("refuses another user's passkey, an unknown passkey or user with 404, changing nothing", async () => {
    const [admin, alice, bob] = [await makeUser({ role: "admin" }), await makeUser(), await makeUser()];
    const bobs = await storePasskey(bob.id);
    const passkeysBefore = await getDb().passkey.count();
    await rejectsWith(deletePasskeyAsAdmin({ adminId: admin.id, userId: alice.id, passkeyId: bobs.id, ctx: testCtx }), "PASSKEY_NOT_FOUND");
    await rejectsWith(deletePasskeyAsAdmin({ adminId: admin.id, userId: alice.id, passkeyId: unknownId, ctx: testCtx }), "PASSKEY_NOT_FOUND");
    await rejectsWith(deletePasskeyAsAdmin({ adminId: admin.id, userId: alice.id, passkeyId: "nope", ctx: testCtx }), "PASSKEY_NOT_FOUND");
    await rejectsWith(deletePasskeyAsAdmin({ adminId: admin.id, userId: unknownId, passkeyId: bobs.id, ctx: testCtx }), "USER_NOT_FOUND");
    await rejectsWith(deletePasskeyAsAdmin({ adminId: admin.id, userId: "nope", passkeyId: bobs.id, ctx: testCtx }), "USER_NOT_FOUND");
    expect(await getDb().passkey.count()).toBe(passkeysBefore);
    expect(await getDb().passkey.findUnique({ where: { id: bobs.id } })).not.toBeNull();
    expect(await getDb().auditEvent.count({ where: { type: "admin.passkey.deleted", actorId: admin.id } })).toBe(0);
  });

  it("issues a Temporary Access Pass shown once, stored as a hash, audited with the administrator", async () => {
    const [admin, user] = [await makeUser({ role: "admin" }), await makeUser()];
    const before = Date.now();
    const tap = await issueTapAsAdmin({ adminId: admin.id, userId: user.id, body: { lifetimeMinutes: 30, oneTime: true }, ctx: testCtx });
    const row = await getDb().temporaryAccessPass.findUniqueOrThrow({ where: { userId: user.id } });
    expect(row).toMatchObject({ codeHash: hashTapCode(tap.code), oneTime: true, issuedById: admin.id });
    expect(new Date(tap.expiresAt).getTime() - before).toBeGreaterThanOrEqual(30 * 60_000 - 1000);
    expect(new Date(tap.expiresAt).getTime() - before).toBeLessThanOrEqual(30 * 60_000 + 5000);
    const events = await auditEvents(user.id, { type: "tap.issued" });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: admin.id, details: { lifetimeMinutes: 30, oneTime: true } });
  });

  it("refuses a pass lifetime outside 10-480 minutes and an unknown user, issuing nothing", async () => {
    const [admin, user] = [await makeUser({ role: "admin" }), await makeUser()];
    for (const body of [{ lifetimeMinutes: 9, oneTime: false }, { lifetimeMinutes: 481, oneTime: false }, { lifetimeMinutes: 30.5, oneTime: false }, { lifetimeMinutes: 30 }, { lifetimeMinutes: 30, oneTime: false, extra: 1 }]) {
      expect(IssueUserTapBody.safeParse(body).success, JSON.stringify(body)).toBe(false);
    }
    await rejectsWith(issueTapAsAdmin({ adminId: admin.id, userId: user.id, body: { lifetimeMinutes: 5, oneTime: false }, ctx: testCtx }), "INVALID_REQUEST");
    await rejectsWith(issueTapAsAdmin({ adminId: admin.id, userId: unknownId, body: { lifetimeMinutes: 30, oneTime: false }, ctx: testCtx }), "USER_NOT_FOUND");
    await rejectsWith(issueTapAsAdmin({ adminId: admin.id, userId: "nope", body: { lifetimeMinutes: 30, oneTime: false }, ctx: testCtx }), "USER_NOT_FOUND");
    expect(await getDb().temporaryAccessPass.findUnique({ where: { userId: user.id } })).toBeNull();
    expect(await getDb().auditEvent.count({ where: { type: "tap.issued", actorId: admin.id } })).toBe(0);
  });

  it("signs a user out everywhere and leaves other users signed in", async () => {
    const [admin, user, other] = [await makeUser({ role: "admin" }), await makeUser(), await makeUser()];
    const sessions = [await createUserSession(user.id), await createUserSession(user.id)];
    const others = await createUserSession(other.id);
    expect(await revokeSessionsAsAdmin({ adminId: admin.id, userId: user.id, ctx: testCtx })).toEqual({ revoked: 2 });
    for (const id of sessions) expect(await isUserSessionActive(id, user.id)).toBe(false);
    expect(await isUserSessionActive(others, other.id)).toBe(true);
    const events = await auditEvents(user.id, { type: "admin.sessions.revoked" });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: admin.id, details: { revoked: 2 } });
  });

  it("refuses to revoke the sessions of an unknown user", async () => {
    const admin = await makeUser({ role: "admin" });
    const sessionsBefore = await getDb().userSession.count();
    await rejectsWith(revokeSessionsAsAdmin({ adminId: admin.id, userId: unknownId, ctx: testCtx }), "USER_NOT_FOUND");
    expect(await getDb().userSession.count()).toBe(sessionsBefore);
    expect(await getDb().auditEvent.count({ where: { actorId: admin.id } })).toBe(0);
  });

  it("requires re-registration: deletes every passkey and makes the prompt unskippable", async () => {
    const [admin, user, other] = [await makeUser({ role: "admin" }), await makeUser(), await makeUser()];
    await storePasskey(user.id);
    await storePasskey(user.id);
    const othersKey = await storePasskey(other.id);
    await getDb().user.update({ where: { id: user.id }, data: { campaignSkips: 1, campaignSnoozedUntil: new Date(Date.now() + 86_400_000) } });
    expect(await requireReregistration({ adminId: admin.id, userId: user.id, ctx: testCtx })).toEqual({ deletedPasskeys: 2, campaignEnabled: true });
    expect(await getDb().passkey.count({ where: { userId: user.id } })).toBe(0);
    expect(await getDb().passkey.findUnique({ where: { id: othersKey.id } })).not.toBeNull();
    expect(await getDb().user.findUniqueOrThrow({ where: { id: user.id }, select: { campaignSkips: true, campaignSnoozedUntil: true } })).toEqual({
      campaignSkips: 3,
      campaignSnoozedUntil: null,
    });
    expect(await getUserCampaignPrompt(signedIn(user))).toMatchObject({ skippable: false, skipsLeft: 0 });
    const events = await auditEvents(user.id, { type: "admin.passkeys.reregistration_required" });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: admin.id, details: { deletedPasskeys: 2 } });
  });

  it("refuses re-registration for an unknown user, changing nothing", async () => {
    const admin = await makeUser({ role: "admin" });
    const passkeysBefore = await getDb().passkey.count();
    await rejectsWith(requireReregistration({ adminId: admin.id, userId: unknownId, ctx: testCtx }), "USER_NOT_FOUND");
    await rejectsWith(requireReregistration({ adminId: admin.id, userId: "nope", ctx: testCtx }), "USER_NOT_FOUND");
    expect(await getDb().passkey.count()).toBe(passkeysBefore);
    expect(await getDb().auditEvent.count({ where: { actorId: admin.id } })).toBe(0);
  });
});

describe("admin actions: sign-in lock", () => {
  const WRONG_TAP = "AAAA-BBBB-CCCC-DDDD";

  /** Fails `times` pass attempts on the account (SIGNIN_MAX_FAILURES is 5 here: 5 lock it). */
  async function failTaps(email: string, times: number) {
    for (let i = 0; i < times; i++) await rejectsWith(signInWithTap({ email, code: WRONG_TAP, ctx: testCtx }), "TAP_INVALID");
  }

  const throttleRow = (email: string) => getDb().signInThrottle.findUnique({ where: { key: throttleKeys(email, null).account } });

  it("shows the account's failed attempts and lock on the user's detail, and nothing when there are none", async () => {
    const { user } = await makeUserWithTap();
    expect((await getAdminUserDetail(user.id))!.signInLock).toBeNull();
    await failTaps(user.email, 2);
    expect((await getAdminUserDetail(user.id))!.signInLock).toEqual({ failures: 2, lockedUntil: null });
    await failTaps(user.email, 3);
    const row = await throttleRow(user.email);
    expect((await getAdminUserDetail(user.id))!.signInLock).toEqual({ failures: 0, lockedUntil: row!.lockedUntil!.toISOString() });
  });

  it("clears a locked account: the right pass signs in at once, and the clearing is audited with what was cleared", async () => {
    const admin = await makeUser({ role: "admin" });
    const { user, tap } = await makeUserWithTap();
    await failTaps(user.email, 5);
    await rejectsWith(signInWithTap({ email: user.email, code: tap.code, ctx: testCtx }), "SIGN_IN_LOCKED");
    const locked = await throttleRow(user.email);

    expect(await clearSignInLockAsAdmin({ adminId: admin.id, userId: user.id, ctx: testCtx })).toEqual({ cleared: true });
    expect(await throttleRow(user.email)).toBeNull();
    expect((await getAdminUserDetail(user.id))!.signInLock).toBeNull();
    const events = await auditEvents(user.id, { type: "admin.signin_lock.cleared" });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorId: admin.id,
      outcome: "success",
      details: { failures: 0, lockouts: 1, lockedUntil: locked!.lockedUntil!.toISOString() },
    });
    expect((await signInWithTap({ email: user.email, code: tap.code, ctx: testCtx })).user.id).toBe(user.id);
  });

  it("answers cleared: false when there was nothing to clear, and refuses an unknown user with 404, changing nothing", async () => {
    const admin = await makeUser({ role: "admin" });
    const user = await makeUser();
    expect(await clearSignInLockAsAdmin({ adminId: admin.id, userId: user.id, ctx: testCtx })).toEqual({ cleared: false });
    const audits = await getDb().auditEvent.count({ where: { type: "admin.signin_lock.cleared" } });
    for (const userId of ["00000000-0000-4000-8000-000000000000", "not-a-user"]) {
      await rejectsWith(clearSignInLockAsAdmin({ adminId: admin.id, userId, ctx: testCtx }), "USER_NOT_FOUND");
    }
    expect(await getDb().auditEvent.count({ where: { type: "admin.signin_lock.cleared" } })).toBe(audits);
  });

  it("clears the account's lock when a new pass is issued, so the user can use it at once", async () => {
    const admin = await makeUser({ role: "admin" });
    const { user } = await makeUserWithTap();
    await failTaps(user.email, 5);
    const tap = await issueTapAsAdmin({ adminId: admin.id, userId: user.id, body: { lifetimeMinutes: 30, oneTime: true }, ctx: testCtx });
    expect(await throttleRow(user.email)).toBeNull();
    expect((await signInWithTap({ email: user.email, code: tap.code, ctx: testCtx })).user.id).toBe(user.id);
    const events = await auditEvents(user.id, { type: "tap.issued" });
    expect(events.at(-1)).toMatchObject({ actorId: admin.id, details: { signInLockCleared: true } });
  });
});
