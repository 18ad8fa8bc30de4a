// Server-side sessions: a cookie is only as good as the UserSession row it names.
import { describe, expect, it } from "vitest";
import { getDb } from "@/server/db";
import { resetConfigForTests } from "@/server/config";
import { createUserSession, deleteUserSession, isUserSessionActive, revokeUserSessions } from "@/server/sessions/user-sessions";
import { makeUser, testCtx } from "../fixtures/factories";

describe("user sessions", () => {
  it("starts an unguessable session that is active for its user only", async () => {
    const [alice, bob] = [await makeUser(), await makeUser()];
    const id = await createUserSession(alice.id);
    expect(Buffer.from(id, "base64url")).toHaveLength(32);
    expect(await isUserSessionActive(id, alice.id)).toBe(true);
    expect(await isUserSessionActive(id, bob.id)).toBe(false);
    expect(await isUserSessionActive("no-such-session", alice.id)).toBe(false);
  });

  it("refuses a session once it is deleted (sign-out)", async () => {
    const user = await makeUser();
    const id = await createUserSession(user.id);
    await deleteUserSession(id);
    expect(await isUserSessionActive(id, user.id)).toBe(false);
  });

  it("refuses an expired session and removes expired ones at the user's next sign-in", async () => {
    const user = await makeUser();
    const old = await createUserSession(user.id);
    await getDb().userSession.update({ where: { id: old }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await isUserSessionActive(old, user.id)).toBe(false);

    await createUserSession(user.id);
    expect(await getDb().userSession.findUnique({ where: { id: old } })).toBeNull();
  });

  it("ends the browser's previous session when it signs in again, and keeps the user's other browsers", async () => {
    const user = await makeUser();
    const phone = await createUserSession(user.id);
    const laptop = await createUserSession(user.id);
    const laptopAgain = await createUserSession(user.id, laptop);
    expect(await isUserSessionActive(laptop, user.id)).toBe(false);
    expect(await isUserSessionActive(laptopAgain, user.id)).toBe(true);
    expect(await isUserSessionActive(phone, user.id)).toBe(true);
  });

  it("cannot end another user's session by naming it as the previous one", async () => {
    const [alice, mallory] = [await makeUser(), await makeUser()];
    const aliceSession = await createUserSession(alice.id);
    await createUserSession(mallory.id, aliceSession);
    expect(await isUserSessionActive(aliceSession, alice.id)).toBe(true);
  });
});

describe("session lifetimes", () => {
  const MINUTE = 60_000;

  it("ends a session left unused longer than the idle lifetime (default 60 minutes)", async () => {
    const user = await makeUser();
    const start = new Date();
    const id = await createUserSession(user.id, undefined, start);
    expect(await isUserSessionActive(id, user.id, new Date(start.getTime() + 59 * MINUTE))).toBe(true);
    // Used at minute 59, so it lives until minute 119 without further use.
    expect(await isUserSessionActive(id, user.id, new Date(start.getTime() + 118 * MINUTE))).toBe(true);
    expect(await isUserSessionActive(id, user.id, new Date(start.getTime() + 240 * MINUTE))).toBe(false);
  });

  it("moves lastSeenAt forward at most once a minute", async () => {
    const user = await makeUser();
    const start = new Date();
    const id = await createUserSession(user.id, undefined, start);
    const seen = async () => (await getDb().userSession.findUniqueOrThrow({ where: { id } })).lastSeenAt.getTime();
    await isUserSessionActive(id, user.id, new Date(start.getTime() + 30_000));
    expect(await seen()).toBe(start.getTime());
    await isUserSessionActive(id, user.id, new Date(start.getTime() + 90_000));
    expect(await seen()).toBe(start.getTime() + 90_000);
  });

  it("ends a session at its absolute lifetime however active it is", async () => {
    process.env.SESSION_ABSOLUTE_HOURS = "2";
    process.env.SESSION_IDLE_MINUTES = "90";
    resetConfigForTests();
    const user = await makeUser();
    const start = new Date();
    const id = await createUserSession(user.id, undefined, start);
    for (const minutes of [60, 110]) {
      expect(await isUserSessionActive(id, user.id, new Date(start.getTime() + minutes * MINUTE))).toBe(true);
    }
    expect(await isUserSessionActive(id, user.id, new Date(start.getTime() + 121 * MINUTE))).toBe(false);
    delete process.env.SESSION_ABSOLUTE_HOURS;
    delete process.env.SESSION_IDLE_MINUTES;
  });

  it("signs a user out everywhere: every session ends, other users keep theirs, and it is audited", async () => {
    const [alice, bob] = [await makeUser(), await makeUser()];
    const phone = await createUserSession(alice.id);
    const laptop = await createUserSession(alice.id);
    const bobs = await createUserSession(bob.id);

    expect(await revokeUserSessions(alice.id, testCtx)).toEqual({ revoked: 2 });
    expect(await isUserSessionActive(phone, alice.id)).toBe(false);
    expect(await isUserSessionActive(laptop, alice.id)).toBe(false);
    expect(await isUserSessionActive(bobs, bob.id)).toBe(true);
    const events = await getDb().auditEvent.findMany({ where: { subjectUserId: alice.id, type: "sessions.revoked" } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ outcome: "success", actorId: alice.id, details: { revoked: 2 } });
  });
});

