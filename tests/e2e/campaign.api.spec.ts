// The campaign's endpoints over plain HTTP: "Not now" (POST /api/me/campaign/skip) and the auto
// registration options, each refusal checked to change nothing.
import type { APIRequestContext, APIResponse } from "@playwright/test";
import { getDb } from "@/server/db";
import { campaignStateOf, createCampaignUser, deleteCampaignUser, expect, test } from "../fixtures/campaign";
import { E2E } from "../fixtures/e2e-env";
import type { TestUser } from "../fixtures/playwright";

const ORIGIN = E2E.baseURL;

function post(ctx: APIRequestContext, path: string, data: unknown, headers: Record<string, string> = {}) {
  return ctx.post(path, { data, headers: { origin: ORIGIN, ...headers } });
}

async function expectError(res: APIResponse, status: number, code: string) {
  expect({ status: res.status(), body: await res.json() }).toEqual({ status, body: { error: { code, message: expect.any(String) } } });
}

async function signIn(ctx: APIRequestContext, user: TestUser) {
  expect((await post(ctx, "/api/auth/tap", { email: user.email, code: user.tapCode })).status()).toBe(200);
}

function skipAudits(userId: string) {
  return getDb().auditEvent.count({ where: { subjectUserId: userId, type: "campaign.skipped" } });
}

test("Not now counts once per prompt, up to the limit, then answers 409 and changes nothing", async ({ request, campaignUser }) => {
  await signIn(request, campaignUser);
  let res = await post(request, "/api/me/campaign/skip", {});
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ skips: 1, skipsLeft: 2, snoozedUntil: expect.any(String) });

  // A second tap while the prompt rests.
  await expectError(await post(request, "/api/me/campaign/skip", {}), 409, "CAMPAIGN_SKIP_NOT_ALLOWED");
  expect(await campaignStateOf(campaignUser.id)).toMatchObject({ campaignSkips: 1 });

  await getDb().user.update({ where: { id: campaignUser.id }, data: { campaignSkips: 3, campaignSnoozedUntil: null } });
  res = await post(request, "/api/me/campaign/skip", {});
  await expectError(res, 409, "CAMPAIGN_SKIP_NOT_ALLOWED");
  expect(await campaignStateOf(campaignUser.id)).toEqual({ campaignSkips: 3, campaignSnoozedUntil: null });
  expect(await skipAudits(campaignUser.id)).toBe(1);
});

test("Not now refuses anonymous, cross-site and malformed requests without changing anything", async ({ playwright, request, campaignUser }) => {
  const anonymous = await playwright.request.newContext({ baseURL: ORIGIN });
  try {
    await expectError(await post(anonymous, "/api/me/campaign/skip", {}), 401, "UNAUTHENTICATED");
  } finally {
    await anonymous.dispose();
  }
  await signIn(request, campaignUser);
  await expectError(await post(request, "/api/me/campaign/skip", {}, { origin: "http://evil.example" }), 403, "CROSS_SITE_REQUEST");
  await expectError(await post(request, "/api/me/campaign/skip", { skips: 0 }), 400, "INVALID_REQUEST");
  await expectError(
    await request.post("/api/me/campaign/skip", { data: "{}", headers: { origin: ORIGIN, "content-type": "text/plain" } }),
    415,
    "UNSUPPORTED_MEDIA_TYPE",
  );
  expect(await campaignStateOf(campaignUser.id)).toEqual({ campaignSkips: 0, campaignSnoozedUntil: null });
  expect(await skipAudits(campaignUser.id)).toBe(0);
});

test("auto registration options are refused after a Temporary Access Pass sign-in, and malformed ones too", async ({ request }) => {
  const user = await createCampaignUser();
  try {
    await signIn(request, user);
    const challenges = () => getDb().challenge.count({ where: { userId: user.id } });
    await expectError(await post(request, "/api/webauthn/registration/options", { auto: true }), 400, "INVALID_REQUEST");
    await expectError(await post(request, "/api/webauthn/registration/options", { auto: "yes" }), 400, "INVALID_REQUEST");
    await expectError(await post(request, "/api/webauthn/registration/options", { auto: false }), 400, "INVALID_REQUEST");
    expect(await challenges()).toBe(0);
    // The same session still gets ordinary options.
    expect((await post(request, "/api/webauthn/registration/options", {})).status()).toBe(200);
    expect(await getDb().challenge.findMany({ where: { userId: user.id }, select: { purpose: true } })).toEqual([{ purpose: "registration" }]);
  } finally {
    await deleteCampaignUser(user.id);
  }
});
