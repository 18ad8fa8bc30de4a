// Temporary Access Passes: issueTemporaryAccessPass + signInWithTap on the real database.
import { createHash, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/server/config";
import { getDb } from "@/server/db";
import { issueTemporaryAccessPass } from "@/server/tap/issue-temporary-access-pass";
import { signInWithTap } from "@/server/tap/sign-in-with-tap";
import { generateTapCode } from "@/server/tap/tap-code";
import { makeUser, makeUserWithTap, testCtx, uniqueEmail } from "../fixtures/factories";
import { auditEvents, expectOneSuccessAudit, rejectsWith } from "./webauthn-helpers";

const CODE_FORMAT = /^[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{4}(-[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{4}){3}$/;

function tapRow(userId: string) {
  return getDb().temporaryAccessPass.findUnique({ where: { userId } });
}

async function lastSignInAt(userId: string): Promise<Date | null> {
  const row = await getDb().user.findUniqueOrThrow({ where: { id: userId }, select: { lastSignInAt: true } });
  return row.lastSignInAt;
}

async function maxAuditId(): Promise<bigint> {
  const last = await getDb().auditEvent.findFirst({ orderBy: { id: "desc" }, select: { id: true } });
  return last?.id ?? 0n;
}

/** Refuses with TAP_INVALID, records a failure audit with `reason`, and signs nobody in. */
async function expectRefused(
  attempt: { email: string; code: string },
  subjectUserId: string | null,
  reason: string,
): Promise<string> {
  const since = await maxAuditId();
  const error = await rejectsWith(signInWithTap({ ...attempt, ctx: testCtx }), "TAP_INVALID");
  const events = await getDb().auditEvent.findMany({ where: { id: { gt: since }, type: "tap.signin" } });
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({
    outcome: "failure",
    subjectUserId,
    actorId: null,
    ip: testCtx.ip,
    userAgent: testCtx.userAgent,
    details: { reason },
  });
  if (subjectUserId) expect(await lastSignInAt(subjectUserId)).toBeNull();
  return error.message;
}

describe("issueTemporaryAccessPass", () => {
  it("returns a readable code and stores only its SHA-256 hash", async () => {
    const user = await makeUser();
    const before = Date.now();
    const tap = await issueTemporaryAccessPass({ userId: user.id, ctx: testCtx });

    expect(tap.code).toMatch(CODE_FORMAT);
    const row = await tapRow(user.id);
    const normalised = tap.code.replace(/-/g, "");
    expect(row?.codeHash).toBe(createHash("sha256").update(normalised).digest("hex"));
    const stored = JSON.stringify(row).toUpperCase();
    for (const form of [tap.code, normalised]) expect(stored).not.toContain(form);
    expect(row).toMatchObject({ oneTime: false, usedAt: null, issuedById: null });
    expect(row!.expiresAt.getTime()).toBe(tap.expiresAt.getTime());
    expect(tap.oneTime).toBe(false);

    // Default lifetime: 60 minutes.
    const lifetime = tap.expiresAt.getTime() - before;
    expect(lifetime).toBeGreaterThanOrEqual(60 * 60_000 - 1000);
    expect(lifetime).toBeLessThanOrEqual(60 * 60_000 + 5000);
  });

  it("records the issue in the audit log without the code", async () => {
    const admin = await makeUser({ role: "admin" });
    const user = await makeUser();
    const tap = await issueTemporaryAccessPass({ userId: user.id, issuedById: admin.id, oneTime: true, lifetimeMinutes: 30, ctx: testCtx });

    const events = await auditEvents(user.id, { type: "tap.issued" });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      outcome: "success",
      actorId: admin.id,
      subjectUserId: user.id,
      details: { lifetimeMinutes: 30, oneTime: true },
    });
    const logged = JSON.stringify(events[0], (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value)).toUpperCase();
    for (const form of [tap.code, tap.code.replace(/-/g, "")]) expect(logged).not.toContain(form);
    expect(await tapRow(user.id)).toMatchObject({ oneTime: true, issuedById: admin.id });
  });

  it("takes its default lifetime from TAP_LIFETIME_MINUTES", async () => {
    process.env.TAP_LIFETIME_MINUTES = "30";
    resetConfigForTests();
    try {
      const user = await makeUser();
      const before = Date.now();
      const tap = await issueTemporaryAccessPass({ userId: user.id, ctx: testCtx });
      expect(tap.expiresAt.getTime() - before).toBeGreaterThanOrEqual(30 * 60_000 - 1000);
      expect(tap.expiresAt.getTime() - before).toBeLessThanOrEqual(30 * 60_000 + 5000);
    } finally {
      delete process.env.TAP_LIFETIME_MINUTES;
      resetConfigForTests();
    }
  });

  it.each([10, 480])("accepts a lifetime of %i minutes", async (lifetimeMinutes) => {
    const user = await makeUser();
    const before = Date.now();
    const tap = await issueTemporaryAccessPass({ userId: user.id, lifetimeMinutes, ctx: testCtx });
    expect(tap.expiresAt.getTime() - before).toBeGreaterThanOrEqual(lifetimeMinutes * 60_000 - 1000);
    expect(await tapRow(user.id)).not.toBeNull();
  });

  it.each([0, 9, 481, 10_000, -60, 30.5, Number.NaN])("refuses a lifetime of %s minutes (INVALID_REQUEST) and stores nothing", async (lifetimeMinutes) => {
    const user = await makeUser();
    await rejectsWith(issueTemporaryAccessPass({ userId: user.id, lifetimeMinutes, ctx: testCtx }), "INVALID_REQUEST");
    expect(await tapRow(user.id)).toBeNull();
    expect(await auditEvents(user.id, { type: "tap.issued" })).toHaveLength(0);
  });

  it("refuses an unknown user (USER_NOT_FOUND) and stores nothing", async () => {
    const userId = randomUUID();
    await rejectsWith(issueTemporaryAccessPass({ userId, ctx: testCtx }), "USER_NOT_FOUND");
    expect(await tapRow(userId)).toBeNull();
  });

  it("replaces the user's previous pass: the old code stops working", async () => {
    const { user, tap: first } = await makeUserWithTap({ oneTime: true });
    const firstRow = await tapRow(user.id);
    const second = await issueTemporaryAccessPass({ userId: user.id, ctx: testCtx });

    expect(second.code).not.toBe(first.code);
    expect(await getDb().temporaryAccessPass.count({ where: { userId: user.id } })).toBe(1);
    const row = await tapRow(user.id);
    expect(row?.codeHash).not.toBe(firstRow?.codeHash);
    expect(row?.oneTime).toBe(false);

    await expectRefused({ email: user.email, code: first.code }, user.id, "wrong code");
    expect((await signInWithTap({ email: user.email, code: second.code, ctx: testCtx })).user.id).toBe(user.id);
  });

  it("makes a used one-time pass usable again when reissued", async () => {
    const { user } = await makeUserWithTap({ oneTime: true });
    const second = await issueTemporaryAccessPass({ userId: user.id, oneTime: true, ctx: testCtx });
    await signInWithTap({ email: user.email, code: second.code, ctx: testCtx });
    const third = await issueTemporaryAccessPass({ userId: user.id, oneTime: true, ctx: testCtx });
    expect((await tapRow(user.id))?.usedAt).toBeNull();
    expect((await signInWithTap({ email: user.email, code: third.code, ctx: testCtx })).user.id).toBe(user.id);
  });

  it("keeps the current pass when a replacement is refused", async () => {
    const { user, tap } = await makeUserWithTap();
    const before = await tapRow(user.id);
    await rejectsWith(issueTemporaryAccessPass({ userId: user.id, lifetimeMinutes: 5, ctx: testCtx }), "INVALID_REQUEST");
    expect(await tapRow(user.id)).toEqual(before);
    expect((await signInWithTap({ email: user.email, code: tap.code, ctx: testCtx })).user.id).toBe(user.id);
  });
});

describe("signInWithTap", () => {
  it("signs in with a valid pass, marks it used and records success", async () => {
    const { user, tap } = await makeUserWithTap();
    const before = Date.now();

    const profile = await signInWithTap({ email: user.email, code: tap.code, ctx: testCtx });

    expect(profile).toEqual({ user: { id: user.id, email: user.email, displayName: user.displayName, role: user.role }, proof: { method: "tap" } });
    const signedInAt = await lastSignInAt(user.id);
    expect(signedInAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect((await tapRow(user.id))?.usedAt?.getTime()).toBe(signedInAt!.getTime());
    await expectOneSuccessAudit(user.id, "tap.signin", { oneTime: false });
  });

  it("lets a multi-use pass be used twice", async () => {
    const { user, tap } = await makeUserWithTap({ oneTime: false });
    await signInWithTap({ email: user.email, code: tap.code, ctx: testCtx });
    expect((await signInWithTap({ email: user.email, code: tap.code, ctx: testCtx })).user.id).toBe(user.id);
    expect(await auditEvents(user.id, { type: "tap.signin", outcome: "success" })).toHaveLength(2);
  });

  it.each([
    ["lower case", (code: string) => code.toLowerCase()],
    ["spaces instead of dashes", (code: string) => code.replace(/-/g, " ")],
    ["no separators", (code: string) => code.replace(/-/g, "")],
    ["surrounding whitespace and mixed case", (code: string) => ` ${code.slice(0, 9).toLowerCase()}${code.slice(9)}\t`],
  ])("accepts the code typed in %s", async (_label, typed) => {
    const { user, tap } = await makeUserWithTap();
    expect((await signInWithTap({ email: user.email, code: typed(tap.code), ctx: testCtx })).user.id).toBe(user.id);
  });

  it("accepts the email in another case and with surrounding spaces", async () => {
    const { user, tap } = await makeUserWithTap();
    expect((await signInWithTap({ email: `  ${user.email.toUpperCase()} `, code: tap.code, ctx: testCtx })).user.id).toBe(user.id);
  });

  it("refuses a wrong code (TAP_INVALID) and leaves the pass unused", async () => {
    const { user, tap } = await makeUserWithTap({ oneTime: true });
    let wrong = generateTapCode();
    while (wrong === tap.code) wrong = generateTapCode();
    await expectRefused({ email: user.email, code: wrong }, user.id, "wrong code");
    expect((await tapRow(user.id))?.usedAt).toBeNull();
    // The real code still works afterwards.
    expect((await signInWithTap({ email: user.email, code: tap.code, ctx: testCtx })).user.id).toBe(user.id);
  });

  it("refuses an empty code (TAP_INVALID)", async () => {
    const { user } = await makeUserWithTap();
    await expectRefused({ email: user.email, code: "" }, user.id, "wrong code");
  });

  it("refuses an unknown email (TAP_INVALID)", async () => {
    const { tap } = await makeUserWithTap();
    await expectRefused({ email: uniqueEmail("nobody"), code: tap.code }, null, "unknown account");
  });

  it("refuses a user who has no pass (TAP_INVALID)", async () => {
    const user = await makeUser();
    await expectRefused({ email: user.email, code: generateTapCode() }, user.id, "no pass issued");
  });

  it("refuses another user's code (TAP_INVALID)", async () => {
    const alice = await makeUserWithTap();
    const bob = await makeUserWithTap();
    await expectRefused({ email: alice.user.email, code: bob.tap.code }, alice.user.id, "wrong code");
    expect((await tapRow(bob.user.id))?.usedAt).toBeNull();
  });

  it("refuses an expired pass (TAP_INVALID)", async () => {
    const { user, tap } = await makeUserWithTap();
    await getDb().temporaryAccessPass.update({ where: { userId: user.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expectRefused({ email: user.email, code: tap.code }, user.id, "expired");
    expect((await tapRow(user.id))?.usedAt).toBeNull();
  });

  it("refuses a one-time pass the second time (TAP_INVALID)", async () => {
    const { user, tap } = await makeUserWithTap({ oneTime: true });
    await signInWithTap({ email: user.email, code: tap.code, ctx: testCtx });
    const firstSignIn = await lastSignInAt(user.id);
    const usedAt = (await tapRow(user.id))?.usedAt;

    const since = await maxAuditId();
    await rejectsWith(signInWithTap({ email: user.email, code: tap.code, ctx: testCtx }), "TAP_INVALID");
    const events = await getDb().auditEvent.findMany({ where: { id: { gt: since } } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "tap.signin", outcome: "failure", subjectUserId: user.id, details: { reason: "already used" } });
    expect(await lastSignInAt(user.id)).toEqual(firstSignIn);
    expect((await tapRow(user.id))?.usedAt).toEqual(usedAt);
  });

  it("lets exactly one of several concurrent sign-ins use a one-time pass", async () => {
    const { user, tap } = await makeUserWithTap({ oneTime: true });

    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => signInWithTap({ email: user.email, code: tap.code, ctx: testCtx })),
    );

    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected).toHaveLength(4);
    for (const r of rejected) expect(r.reason).toMatchObject({ code: "TAP_INVALID" });
    expect(await auditEvents(user.id, { type: "tap.signin", outcome: "success" })).toHaveLength(1);
    expect(await auditEvents(user.id, { type: "tap.signin", outcome: "failure" })).toHaveLength(4);
  });

  it("answers every refusal with the same message", async () => {
    const messages = new Set<string>();
    const wrong = await makeUserWithTap();
    messages.add(await expectRefused({ email: wrong.user.email, code: generateTapCode() }, wrong.user.id, "wrong code"));
    messages.add(await expectRefused({ email: uniqueEmail("ghost"), code: generateTapCode() }, null, "unknown account"));
    const none = await makeUser();
    messages.add(await expectRefused({ email: none.email, code: generateTapCode() }, none.id, "no pass issued"));
    const expired = await makeUserWithTap();
    await getDb().temporaryAccessPass.update({ where: { userId: expired.user.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    messages.add(await expectRefused({ email: expired.user.email, code: expired.tap.code }, expired.user.id, "expired"));
    const used = await makeUserWithTap({ oneTime: true });
    await signInWithTap({ email: used.user.email, code: used.tap.code, ctx: testCtx });
    const since = await maxAuditId();
    messages.add((await rejectsWith(signInWithTap({ email: used.user.email, code: used.tap.code, ctx: testCtx }), "TAP_INVALID")).message);
    expect(await getDb().auditEvent.count({ where: { id: { gt: since }, outcome: "failure" } })).toBe(1);

    expect(messages.size).toBe(1);
  });
});
