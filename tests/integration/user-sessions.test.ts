// Server-side sessions: a cookie is only as good as the UserSession row it names.
import { describe, expect, it } from "vitest";
import { getDb } from "@/server/db";
import { createUserSession, deleteUserSession, isUserSessionActive } from "@/server/sessions/user-sessions";
import { makeUser } from "../fixtures/factories";

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
