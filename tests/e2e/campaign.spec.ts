// The passkey registration campaign through the real UI: the prompt after sign-in, Not now and its
// snooze, the limit that makes a passkey required, Next (the add-passkey flow), and the passkey
// upgrade after a password + code sign-in falling back to the prompt.
import { getDb } from "@/server/db";
import { codeFor, giveAuthenticatorApp, givePassword } from "../fixtures/credentials";
import { E2E } from "../fixtures/e2e-env";
import {
  campaignStateOf,
  continuePath,
  createCampaignUser,
  deleteCampaignUser,
  expect,
  expectPrompt,
  PROMPT_HEADING,
  setCampaignState,
  signInToContinue,
  test,
} from "../fixtures/campaign";
import { auditEventsOf, choosePlace, finishNaming, passkeysOf, signOut, storePasskey } from "../fixtures/playwright";

const DAY = 86_400_000;

test("a new user is prompted after sign-in, chooses Not now and lands where they were going", async ({ page, campaignUser }) => {
  await signInToContinue(page, campaignUser);
  await expectPrompt(page);
  await expect(page.getByText("You can choose Not now 3 more times.")).toBeVisible();
  await expect(page.getByText(campaignUser.email)).toBeVisible();

  await page.getByRole("button", { name: "Not now" }).click();
  await expect(page).toHaveURL(/\/security-info$/);
  await expect(page.getByRole("heading", { level: 1, name: "Security info" })).toBeVisible();

  const state = await campaignStateOf(campaignUser.id);
  expect(state.campaignSkips).toBe(1);
  expect(state.campaignSnoozedUntil!.getTime()).toBeGreaterThan(Date.now() + DAY - 60_000);
  const events = await auditEventsOf(campaignUser.id, "campaign.skipped");
  expect(events).toEqual([expect.objectContaining({ outcome: "success", details: { skips: 1 } })]);
});

test("the prompt rests while snoozed and comes back once the snooze has run out", async ({ page, campaignUser }) => {
  await signInToContinue(page, campaignUser);
  await expectPrompt(page);
  await page.getByRole("button", { name: "Not now" }).click();
  await expect(page).toHaveURL(/\/security-info$/);

  // Signing in again while it rests goes straight on.
  await signOut(page);
  await signInToContinue(page, campaignUser);
  await expect(page).toHaveURL(/\/security-info$/);

  await getDb().user.update({ where: { id: campaignUser.id }, data: { campaignSnoozedUntil: new Date(Date.now() - 60_000) } });
  await signOut(page);
  await signInToContinue(page, campaignUser);
  await expectPrompt(page);
  await expect(page.getByText("You can choose Not now 2 more times.")).toBeVisible();
});

test("once the skips are used up there is no Not now, and security info leads back to the prompt", async ({ page, campaignUser }) => {
  await setCampaignState(campaignUser.id, { skips: 3, snoozedUntil: new Date(Date.now() + DAY) });
  await signInToContinue(page, campaignUser);
  await expectPrompt(page);
  await expect(page.getByText("Your organization requires a passkey. Add one to continue.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Not now" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Next" })).toBeEnabled();

  await page.goto("/security-info");
  await expect(page).toHaveURL(new RegExp(`${continuePath("/security-info").replace(/[?]/g, "\\?")}$`));
  await expect(page.getByRole("heading", { name: PROMPT_HEADING })).toBeVisible();

  // Skipping through the API is refused too, and changes nothing.
  const status = await page.evaluate(
    async () => (await fetch("/api/me/campaign/skip", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status,
  );
  expect(status).toBe(409);
  expect(await campaignStateOf(campaignUser.id)).toMatchObject({ campaignSkips: 3 });

  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/signin$/);
});

test("Next adds a passkey with the usual steps, then continues to where the user was going", async ({ page, authenticator, campaignUser }) => {
  await setCampaignState(campaignUser.id, { skips: 3 });
  await signInToContinue(page, campaignUser);
  await expectPrompt(page);

  await page.getByRole("button", { name: "Next" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("heading", { name: "Where do you want to save your passkey?" })).toBeVisible();
  await choosePlace(page, "This device");
  await finishNaming(page, "Work laptop");

  await expect(page).toHaveURL(/\/security-info$/);
  await expect(page.getByRole("list", { name: "Your passkeys" }).getByText("Work laptop")).toBeVisible();
  expect((await passkeysOf(campaignUser.id)).map((p) => p.name)).toEqual(["Work laptop"]);
  expect(await authenticator.credentials()).toHaveLength(1);
  const events = await auditEventsOf(campaignUser.id, "passkey.registration");
  expect(events).toEqual([expect.objectContaining({ outcome: "success" })]);

  // With a passkey, security info no longer leads to the prompt.
  await page.goto("/security-info");
  await expect(page).toHaveURL(/\/security-info$/);
});

test("closing the add-passkey dialog returns to the prompt with focus on Next", async ({ page, campaignUser }) => {
  await signInToContinue(page, campaignUser);
  await expectPrompt(page);
  await page.getByRole("button", { name: "Next" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("heading", { name: "Where do you want to save your passkey?" })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("button", { name: "Next" })).toBeFocused();
  await expect(page.getByRole("heading", { name: PROMPT_HEADING })).toBeVisible();
});

test("a user who has a passkey is never prompted, even with the skips used up", async ({ page, campaignUser }) => {
  await setCampaignState(campaignUser.id, { skips: 3 });
  await storePasskey(campaignUser.id, { name: "Phone" });
  await signInToContinue(page, campaignUser);
  await expect(page).toHaveURL(/\/security-info$/);
  await expect(page.getByRole("heading", { name: PROMPT_HEADING })).toHaveCount(0);
});

test("after a password + code sign-in the silent passkey upgrade fails quietly and the prompt shows", async ({ page, authenticator }) => {
  // Conditional create never completes with a virtual authenticator: this is the fallback path.
  expect(authenticator.id).toBeTruthy();
  const user = await createCampaignUser();
  try {
    const password = await givePassword(user.id);
    const secret = await giveAuthenticatorApp(user.id);
    await page.goto("/signin");
    const signedIn = await page.request.post("/api/auth/password", {
      data: { email: user.email, password, code: codeFor(secret) },
      headers: { origin: E2E.baseURL },
    });
    expect(signedIn.status()).toBe(200);

    const autoOptions = page.waitForRequest(
      (req) => req.url().endsWith("/api/webauthn/registration/options") && (req.postData() ?? "").includes('"auto":true'),
    );
    await page.goto(continuePath("/security-info"));
    await expectPrompt(page);
    const request = await autoOptions;
    expect((await request.response())?.status()).toBe(200);

    await expect(page.getByRole("main").getByRole("alert")).toHaveCount(0);
    await expect(page.getByRole("dialog")).toBeHidden();
    expect(await passkeysOf(user.id)).toHaveLength(0);
    expect(await getDb().challenge.count({ where: { userId: user.id, purpose: "autoRegistration" } })).toBe(1);

    // The prompt works as ever: Not now goes on.
    await page.getByRole("button", { name: "Not now" }).click();
    await expect(page).toHaveURL(/\/security-info$/);
  } finally {
    await deleteCampaignUser(user.id);
  }
});

test("the prompt fits 360 px and works from the keyboard alone", async ({ page, authenticator, campaignUser }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await setCampaignState(campaignUser.id, { skips: 2 });
  await signInToContinue(page, campaignUser);
  await expectPrompt(page);
  await expect(page.getByText("You can choose Not now 1 more time.")).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(overflow).toBeLessThanOrEqual(360);
  for (const name of ["Not now", "Next"]) {
    const box = (await page.getByRole("button", { name }).boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(360);
    expect(box.height).toBeGreaterThanOrEqual(44);
  }

  // Focus starts on the heading; Tab reaches Not now, then Next; Enter runs the add-passkey flow.
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Not now" })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Next" })).toBeFocused();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("heading", { name: "Where do you want to save your passkey?" })).toBeVisible();
  await expect(dialog.getByRole("radio", { name: /^This device/ })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(dialog.getByRole("heading", { name: "Name your passkey" })).toBeVisible();
  await expect(dialog.getByLabel("Passkey name")).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/security-info$/);
  expect(await authenticator.credentials()).toHaveLength(1);
});
