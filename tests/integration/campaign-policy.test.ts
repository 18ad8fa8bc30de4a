// The campaign settings in the PasskeyPolicy row: reading, recreating, validated and audited updates.
import { afterEach, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { getDb } from "@/server/db";
import { DEFAULT_CAMPAIGN_SETTINGS, getCampaignPolicy, updateCampaignSettings } from "@/server/policy/passkey-policy";
import { makeUser, testCtx } from "../fixtures/factories";

async function policyRow() {
  return getDb().passkeyPolicy.findUnique({ where: { id: 1 } });
}

function policyAudits() {
  return getDb().auditEvent.findMany({ where: { type: "policy.updated" }, orderBy: { id: "asc" } });
}

async function expectRefused(input: unknown) {
  const admin = await makeUser({ role: "admin" });
  const before = await policyRow();
  const audits = (await policyAudits()).length;
  await expect(updateCampaignSettings(input, { userId: admin.id }, testCtx)).rejects.toBeInstanceOf(ZodError);
  expect(await policyRow()).toEqual(before);
  expect(await policyAudits()).toHaveLength(audits);
}

// Other test files share the database: leave the policy as the migration made it.
afterEach(async () => {
  await getDb().passkeyPolicy.upsert({
    where: { id: 1 },
    create: { id: 1, ...DEFAULT_CAMPAIGN_SETTINGS },
    update: { ...DEFAULT_CAMPAIGN_SETTINGS },
  });
});

describe("campaign settings", () => {
  it("start as the migration seeded them: on, 1 day between prompts, 3 skips", async () => {
    expect(await getCampaignPolicy()).toMatchObject({ campaignEnabled: true, campaignSnoozeDays: 1, campaignSkipLimit: 3 });
  });

  it("fall back to the defaults and recreate the row when it was deleted", async () => {
    await getDb().passkeyPolicy.deleteMany({});
    expect(await getCampaignPolicy()).toMatchObject(DEFAULT_CAMPAIGN_SETTINGS);
    expect(await policyRow()).toMatchObject({ id: 1, ...DEFAULT_CAMPAIGN_SETTINGS });
  });

  it("recreates the row once when two readers find it missing at the same time", async () => {
    await getDb().passkeyPolicy.deleteMany({});
    const results = await Promise.all([getCampaignPolicy(), getCampaignPolicy(), getCampaignPolicy()]);
    for (const result of results) expect(result).toMatchObject(DEFAULT_CAMPAIGN_SETTINGS);
    expect(await getDb().passkeyPolicy.count()).toBe(1);
  });

  it("are updated, bump the version and record policy.updated with before and after", async () => {
    const admin = await makeUser({ role: "admin" });
    const start = await getCampaignPolicy();
    const audits = (await policyAudits()).length;

    const after = await updateCampaignSettings({ campaignSnoozeDays: 14, campaignSkipLimit: 0 }, { userId: admin.id }, testCtx);

    expect(after).toEqual({ campaignEnabled: true, campaignSnoozeDays: 14, campaignSkipLimit: 0, version: start.version + 1 });
    expect(await getCampaignPolicy()).toEqual(after);
    const events = await policyAudits();
    expect(events).toHaveLength(audits + 1);
    expect(events.at(-1)).toMatchObject({
      outcome: "success",
      actorId: admin.id,
      ip: testCtx.ip,
      userAgent: testCtx.userAgent,
      details: {
        before: { campaignEnabled: true, campaignSnoozeDays: 1, campaignSkipLimit: 3 },
        after: { campaignEnabled: true, campaignSnoozeDays: 14, campaignSkipLimit: 0 },
        version: start.version + 1,
      },
    });
  });

  it("accept the edges of their ranges: 0 and 14 days, 0 and 10 skips", async () => {
    const admin = await makeUser({ role: "admin" });
    await updateCampaignSettings({ campaignSnoozeDays: 0, campaignSkipLimit: 10 }, { userId: admin.id }, testCtx);
    expect(await getCampaignPolicy()).toMatchObject({ campaignSnoozeDays: 0, campaignSkipLimit: 10 });
    await updateCampaignSettings({ campaignEnabled: false }, { userId: admin.id }, testCtx);
    expect(await getCampaignPolicy()).toMatchObject({ campaignEnabled: false, campaignSnoozeDays: 0, campaignSkipLimit: 10 });
  });

  it("recreate a deleted row before updating it", async () => {
    const admin = await makeUser({ role: "admin" });
    await getDb().passkeyPolicy.deleteMany({});
    const after = await updateCampaignSettings({ campaignEnabled: false }, { userId: admin.id }, testCtx);
    expect(after).toMatchObject({ campaignEnabled: false, campaignSnoozeDays: 1, campaignSkipLimit: 3 });
    const events = await policyAudits();
    expect(events.at(-1)!.details).toMatchObject({ before: DEFAULT_CAMPAIGN_SETTINGS });
  });

  it.each([
    ["15 days", { campaignSnoozeDays: 15 }],
    ["negative days", { campaignSnoozeDays: -1 }],
    ["fractional days", { campaignSnoozeDays: 1.5 }],
    ["days as text", { campaignSnoozeDays: "2" }],
    ["11 skips", { campaignSkipLimit: 11 }],
    ["negative skips", { campaignSkipLimit: -1 }],
    ["on/off as text", { campaignEnabled: "yes" }],
    ["an unknown setting", { campaignSnoozeDays: 2, maxPasskeysPerUser: 50 }],
    ["no setting at all", {}],
    ["not an object", null],
  ])("refuse %s and change nothing", async (_label, input) => {
    await expectRefused(input);
  });

  it("let concurrent updates take turns: every version is used once and each audit's before is true", async () => {
    const admin = await makeUser({ role: "admin" });
    const start = await getCampaignPolicy();
    const audits = (await policyAudits()).length;
    await Promise.all(
      [2, 3, 4, 5].map((days) => updateCampaignSettings({ campaignSnoozeDays: days }, { userId: admin.id }, testCtx)),
    );
    expect((await getCampaignPolicy()).version).toBe(start.version + 4);
    const events = (await policyAudits()).slice(audits);
    expect(events.map((e) => (e.details as { version: number }).version)).toEqual([1, 2, 3, 4].map((n) => start.version + n));
    for (let i = 1; i < events.length; i++) {
      const previous = events[i - 1]!.details as { after: unknown };
      expect((events[i]!.details as { before: unknown }).before).toEqual(previous.after);
    }
  });
});
