// The passkey registration campaign on the real database: what the after-sign-in page decides
// (getUserCampaignPrompt) and "Not now" (skipUserCampaign).
import { afterEach, describe, expect, it } from "vitest";
import { getUserCampaignPrompt } from "@/server/campaign/get-user-campaign-prompt";
import { skipUserCampaign } from "@/server/campaign/skip-campaign";
import { getDb } from "@/server/db";
import { DEFAULT_CAMPAIGN_SETTINGS, updateCampaignSettings } from "@/server/policy/passkey-policy";
import type { SignedInUser } from "@/server/session";
import type { UserProfile } from "@/server/users";
import { makeUser, signedIn, testCtx } from "../fixtures/factories";
import { registerPasskey, rejectsWith } from "./webauthn-helpers";

const DAY = 86_400_000;

async function setCampaign(settings: Partial<typeof DEFAULT_CAMPAIGN_SETTINGS>) {
  const admin = await makeUser({ role: "admin" });
  await updateCampaignSettings(settings, { userId: admin.id }, testCtx);
}

afterEach(async () => {
  await getDb().passkeyPolicy.update({ where: { id: 1 }, data: { ...DEFAULT_CAMPAIGN_SETTINGS } });
});

function campaignState(userId: string) {
  return getDb().user.findUniqueOrThrow({ where: { id: userId }, select: { campaignSkips: true, campaignSnoozedUntil: true } });
}

function skipAudits(userId: string) {
  return getDb().auditEvent.findMany({ where: { subjectUserId: userId, type: "campaign.skipped" }, orderBy: { id: "asc" } });
}

async function setState(user: UserProfile, campaignSkips: number, campaignSnoozedUntil: Date | null) {
  await getDb().user.update({ where: { id: user.id }, data: { campaignSkips, campaignSnoozedUntil } });
}

/** Asserts that a refused skip changed nothing: same counter and snooze, no audit event. */
async function expectSkipRefused(session: SignedInUser, now?: Date) {
  const before = await campaignState(session.userId);
  const audits = (await skipAudits(session.userId)).length;
  const error = await rejectsWith(skipUserCampaign(session, testCtx, now), "CAMPAIGN_SKIP_NOT_ALLOWED");
  expect(error.message).toMatch(/requires a passkey/);
  expect(await campaignState(session.userId)).toEqual(before);
  expect(await skipAudits(session.userId)).toHaveLength(audits);
}

describe("the after-sign-in decision", () => {
  it("prompts a new user after a multifactor sign-in, with every skip left", async () => {
    const user = await makeUser();
    expect(await getUserCampaignPrompt(signedIn(user))).toEqual({ skippable: true, skipsLeft: 3, email: user.email });
  });

  it("does not prompt after a single-factor (password only) sign-in", async () => {
    const user = await makeUser();
    expect(await getUserCampaignPrompt({ userId: user.id, methods: ["password"], mfa: false, authTime: Date.now() })).toBeNull();
  });

  it("never prompts a user who has a passkey, even with the skips used up", async () => {
    const user = await makeUser();
    await registerPasskey(user);
    await setState(user, 3, null);
    expect(await getUserCampaignPrompt(signedIn(user))).toBeNull();
  });

  it("rests while snoozed, shows again once the snooze ends", async () => {
    const user = await makeUser();
    const now = new Date();
    await setState(user, 1, new Date(now.getTime() + DAY));
    expect(await getUserCampaignPrompt(signedIn(user), now)).toBeNull();
    expect(await getUserCampaignPrompt(signedIn(user), new Date(now.getTime() + DAY + 1))).toEqual({
      skippable: true,
      skipsLeft: 2,
      email: user.email,
    });
  });

  it("shows and cannot be skipped once the skips are used up, snoozed or not", async () => {
    const user = await makeUser();
    await setState(user, 3, new Date(Date.now() + DAY));
    expect(await getUserCampaignPrompt(signedIn(user))).toEqual({ skippable: false, skipsLeft: 0, email: user.email });
  });

  it("follows the policy row: off means no prompt, a lower limit ends skipping sooner", async () => {
    const user = await makeUser();
    await setState(user, 1, null);
    await setCampaign({ campaignSkipLimit: 1 });
    expect(await getUserCampaignPrompt(signedIn(user))).toMatchObject({ skippable: false, skipsLeft: 0 });
    await setCampaign({ campaignEnabled: false });
    expect(await getUserCampaignPrompt(signedIn(user))).toBeNull();
  });

  it("answers null for an account that no longer exists", async () => {
    const user = await makeUser();
    await getDb().user.delete({ where: { id: user.id } });
    expect(await getUserCampaignPrompt(signedIn(user))).toBeNull();
  });
});

describe("Not now", () => {
  it("counts the skip, rests the prompt for the policy's days and records campaign.skipped", async () => {
    const user = await makeUser();
    const now = new Date();
    expect(await skipUserCampaign(signedIn(user), testCtx, now)).toEqual({
      skips: 1,
      skipsLeft: 2,
      snoozedUntil: new Date(now.getTime() + DAY).toISOString(),
    });
    expect(await campaignState(user.id)).toEqual({ campaignSkips: 1, campaignSnoozedUntil: new Date(now.getTime() + DAY) });
    const events = await skipAudits(user.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      outcome: "success",
      actorId: user.id,
      subjectUserId: user.id,
      details: { skips: 1 },
      ip: testCtx.ip,
      userAgent: testCtx.userAgent,
    });
    expect(await getUserCampaignPrompt(signedIn(user), new Date(now.getTime() + 1000))).toBeNull();
  });

  it("uses the configured days: 7 days rest the prompt for a week", async () => {
    await setCampaign({ campaignSnoozeDays: 7 });
    const user = await makeUser();
    const now = new Date();
    await skipUserCampaign(signedIn(user), testCtx, now);
    expect((await campaignState(user.id)).campaignSnoozedUntil).toEqual(new Date(now.getTime() + 7 * DAY));
    expect(await getUserCampaignPrompt(signedIn(user), new Date(now.getTime() + 7 * DAY - 1))).toBeNull();
    expect(await getUserCampaignPrompt(signedIn(user), new Date(now.getTime() + 7 * DAY))).toMatchObject({ skippable: true, skipsLeft: 2 });
  });

  it("is refused while the prompt rests (a second tap), changing nothing", async () => {
    const user = await makeUser();
    const now = new Date();
    await skipUserCampaign(signedIn(user), testCtx, now);
    await expectSkipRefused(signedIn(user), new Date(now.getTime() + 60_000));
    expect((await campaignState(user.id)).campaignSkips).toBe(1);
  });

  it("stops at the limit: the last skip is counted, the next is refused with nothing changed", async () => {
    const user = await makeUser();
    let now = Date.now();
    for (let skips = 1; skips <= 3; skips++) {
      expect(await skipUserCampaign(signedIn(user), testCtx, new Date(now))).toMatchObject({ skips, skipsLeft: 3 - skips });
      now += DAY;
    }
    await expectSkipRefused(signedIn(user), new Date(now));
    expect(await campaignState(user.id)).toMatchObject({ campaignSkips: 3 });
    expect(await skipAudits(user.id)).toHaveLength(3);
    expect(await getUserCampaignPrompt(signedIn(user), new Date(now))).toMatchObject({ skippable: false, skipsLeft: 0 });
  });

  it("is refused for a user with a passkey, after a single-factor sign-in and with the campaign off", async () => {
    const withPasskey = await makeUser();
    await registerPasskey(withPasskey);
    await expectSkipRefused(signedIn(withPasskey));

    const passwordOnly = await makeUser();
    await expectSkipRefused({ userId: passwordOnly.id, methods: ["password"], mfa: false, authTime: Date.now() });

    await setCampaign({ campaignEnabled: false });
    await expectSkipRefused(signedIn(await makeUser()));
  });

  it("never lets concurrent skips pass the limit (0 days between prompts)", async () => {
    await setCampaign({ campaignSnoozeDays: 0 });
    const user = await makeUser();
    const session = signedIn(user);
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => skipUserCampaign(session, testCtx)));
    const passed = results.filter((r) => r.status === "fulfilled");
    expect(passed.length).toBeLessThanOrEqual(3);
    expect(passed.length).toBeGreaterThanOrEqual(1);
    for (const r of results) {
      if (r.status === "rejected") expect((r.reason as { code: string }).code).toBe("CAMPAIGN_SKIP_NOT_ALLOWED");
    }
    const state = await campaignState(user.id);
    expect(state.campaignSkips).toBe(passed.length);
    expect(await skipAudits(user.id)).toHaveLength(passed.length);
  });

  it("counts a double tap once while the prompt rests between sign-ins", async () => {
    const user = await makeUser();
    const session = signedIn(user);
    const results = await Promise.allSettled([skipUserCampaign(session, testCtx), skipUserCampaign(session, testCtx)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await campaignState(user.id)).toMatchObject({ campaignSkips: 1 });
    expect(await skipAudits(user.id)).toHaveLength(1);
  });
});
