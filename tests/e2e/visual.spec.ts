// Screenshot comparisons of the product's key states, each at 360 px and on the desktop, in the
// light and the dark colour scheme, against baselines committed in tests/e2e/__screenshots__/.
// The tolerance and how to update the baselines: playwright.config.ts (expect.toHaveScreenshot)
// and docs/decisions/023-visual-regression.md. Every state's screenshots are also copied to
// test-results/visual/ on each run, for a person to look at.
//
// The data is fixed (names, emails, dates, providers) so that a page renders the same on every
// run; what still changes from run to run is masked: the times a pass or an event happened,
// counts and charts that other tests' users feed, and secrets (QR code, codes).
import { copyFile, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Locator, Page, TestInfo } from "@playwright/test";
import { getDb } from "@/server/db";
import { issueTemporaryAccessPass } from "@/server/tap/issue-temporary-access-pass";
import { createUser } from "@/server/users";
import { createAdminWithTap, storePasskey } from "../fixtures/admin-users";
import { ageSession, choosePlace, expect, openWhereStep, signInWithTap, signOut, test, type TestUser } from "../fixtures/playwright";
import { openAppSetup } from "../fixtures/methods";

const VIEWPORTS = [
  { label: "360", width: 360, height: 740 },
  { label: "desktop", width: 1280, height: 800 },
] as const;
const SCHEMES = ["light", "dark"] as const;

// The reader's locale and time zone are part of what a page shows ("Oct 14, 2026, 9:30 AM").
test.use({ locale: "en-US", timezoneId: "UTC" });

const USER_EMAIL = "visual-ada@example.com";
const ADMIN_EMAIL = "visual-grace@example.com";
// A pass that stays valid for the whole run, whose "valid until" reads the same on every run.
const TAP_EXPIRES = new Date("2099-12-31T14:05:00Z");

/** Providers from the AAGUID list, synced and device-bound, used and never used. */
const STORED_PASSKEYS = [
  { name: "Pixel 7", aaguid: "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4", synced: true, lastUsedAt: "2026-10-14T09:30:00Z" },
  { name: "iPhone 14", aaguid: "fbfc3007-154e-4ecc-8c0b-6e020557d7bd", synced: true, lastUsedAt: "2026-10-02T17:45:00Z" },
  { name: "Work laptop", aaguid: "08987058-cadc-4b81-b6e1-30de50dcbe96", synced: false, lastUsedAt: "2026-09-21T08:10:00Z" },
  { name: "YubiKey 5 NFC", aaguid: "cb69481e-8ff7-4039-93ec-0a2729a154a8", synced: false, lastUsedAt: null },
  { name: "1Password", aaguid: "bada5566-a7aa-401f-bd96-45619a55120d", synced: true, lastUsedAt: "2026-08-30T12:00:00Z" },
  { name: "Samsung Galaxy S24", aaguid: "53414d53-554e-4700-0000-000000000000", synced: true, lastUsedAt: null },
  { name: "Bitwarden", aaguid: "d548826e-79b4-db40-a3d8-11116f7e8349", synced: true, lastUsedAt: "2026-07-04T19:20:00Z" },
  { name: "Home desktop", aaguid: "08987058-cadc-4b81-b6e1-30de50dcbe96", synced: false, lastUsedAt: "2026-06-11T06:55:00Z" },
  { name: "Unknown key", aaguid: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", synced: false, lastUsedAt: null },
];

function storedFields(p: (typeof STORED_PASSKEYS)[number]) {
  return { name: p.name, aaguid: p.aaguid, synced: p.synced, lastUsedAt: p.lastUsedAt ? new Date(p.lastUsedAt) : null };
}

interface SnapOptions {
  /** The whole page, not only the viewport (not for open dialogs, which sit in the viewport). */
  fullPage?: boolean;
  /** What changes from run to run, painted over in the comparison. */
  mask?: (page: Page) => Locator[];
  /** Waited for after each resize and scheme change, before the comparison. */
  ready?: (page: Page) => Promise<void>;
}

/** When a Temporary Access Pass ends: masked on every screenshot, behind a dialog too. */
const tapTime = (page: Page) => [page.locator('[data-method="temporary-access-pass"] time')];

/** One state, four screenshots: 360 px and desktop, light and dark. */
async function snap(page: Page, testInfo: TestInfo, state: string, options: SnapOptions = {}) {
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    for (const colorScheme of SCHEMES) {
      await page.emulateMedia({ colorScheme });
      await options.ready?.(page);
      const name = `${state}-${viewport.label}-${colorScheme}.png`;
      await expect(page, `${state} at ${viewport.label}, ${colorScheme}`).toHaveScreenshot(name, {
        fullPage: options.fullPage ?? false,
        mask: [...(options.mask?.(page) ?? []), ...tapTime(page)],
      });
      const artifact = join(testInfo.project.outputDir, "visual", name);
      await mkdir(dirname(artifact), { recursive: true });
      await copyFile(testInfo.snapshotPath(name), artifact);
    }
  }
  // Back to the profile's own viewport for the next step of the journey.
  await page.setViewportSize(VIEWPORTS[1]);
  await page.emulateMedia({ colorScheme: "light" });
}

async function makeVisualUser(): Promise<TestUser> {
  await getDb().user.deleteMany({ where: { email: { in: [USER_EMAIL, ADMIN_EMAIL] } } });
  const user = await createUser({ email: USER_EMAIL, displayName: "Ada Lovelace" });
  const tap = await issueTemporaryAccessPass({ userId: user.id, ctx: { ip: null, userAgent: "e2e-fixture" } });
  await getDb().user.update({
    where: { id: user.id },
    data: { campaignSnoozedUntil: new Date(Date.now() + 365 * 86_400_000), createdAt: new Date("2026-01-05T08:30:00Z") },
  });
  await getDb().temporaryAccessPass.update({ where: { userId: user.id }, data: { expiresAt: TAP_EXPIRES } });
  return { id: user.id, email: user.email, tapCode: tap.code };
}

test.describe("visual regression", () => {
  test.afterAll(async () => {
    await getDb().user.deleteMany({ where: { email: { in: [USER_EMAIL, ADMIN_EMAIL] } } });
  });

  test("sign-in, security info with 0, 1 and 10 passkeys, every step of adding a method, and delete", async ({ page, context, authenticator }, testInfo) => {
    test.setTimeout(180_000);
    const user = await makeVisualUser();

    await page.goto("/signin");
    await expect(page.getByLabel("Email")).toBeEnabled();
    await snap(page, testInfo, "signin", { fullPage: true });
    await page.getByLabel("Email").fill(user.email);
    await page.getByRole("button", { name: "Next" }).click();
    await expect(page.getByLabel("Temporary Access Pass")).toBeVisible();
    await snap(page, testInfo, "signin-tap", { fullPage: true });
    await page.getByLabel("Temporary Access Pass").fill(user.tapCode);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL(/\/security-info$/);
    const opener = page.getByRole("button", { name: "Add sign-in method" });
    await expect(opener).toBeEnabled();
    await snap(page, testInfo, "security-info-0", { fullPage: true });

    // Add sign-in method: choose, where, the browser's prompt that never answers, the failure.
    const dialog = page.getByRole("dialog");
    await opener.click();
    await expect(dialog.getByRole("heading", { name: "Add a sign-in method" })).toBeVisible();
    await snap(page, testInfo, "add-1-choose");
    await dialog.getByLabel("Which method would you like to add?").selectOption("passkey");
    await dialog.getByRole("button", { name: "Add" }).click();
    await expect(dialog.getByRole("heading", { name: "Where do you want to save your passkey?" })).toBeVisible();
    await snap(page, testInfo, "add-2-where");
    // Only this device's authenticator is attached: a security key's prompt waits until "Still waiting?".
    await choosePlace(page, "Security key");
    await expect(dialog.getByRole("heading", { name: "Creating your passkey" })).toBeVisible();
    await expect(dialog.getByText(/^Still waiting\?/)).toBeVisible({ timeout: 15_000 });
    await snap(page, testInfo, "add-3-creating");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog.getByRole("heading", { name: "Your passkey wasn't added" })).toBeVisible();
    await snap(page, testInfo, "add-4-failed");
    await dialog.getByRole("button", { name: "Try again" }).click();
    await choosePlace(page, "This device");
    await expect(dialog.getByRole("heading", { name: "Name your passkey" })).toBeVisible();
    await snap(page, testInfo, "add-5-name");
    await dialog.getByLabel("Passkey name").fill("My laptop");
    await dialog.getByRole("button", { name: "Done" }).click();
    await expect(dialog).toBeHidden();
    expect(await authenticator.credentials()).toHaveLength(1);

    // One passkey, with dates fixed so the list reads the same on every run.
    await getDb().passkey.updateMany({
      where: { userId: user.id },
      data: { createdAt: new Date("2026-11-02T10:00:00Z"), lastUsedAt: new Date("2026-11-20T15:42:00Z") },
    });
    await page.reload();
    await expect(page.getByRole("listitem").filter({ hasText: "My laptop" })).toBeVisible();
    await expect(opener).toBeEnabled();
    await snap(page, testInfo, "security-info-1", { fullPage: true });

    // Delete: the confirmation.
    await page.getByRole("button", { name: "Delete My laptop" }).click();
    await expect(dialog.getByRole("heading", { name: /Delete/ })).toBeVisible();
    await snap(page, testInfo, "delete-confirm");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();

    // The authenticator app's steps, and the identity check a stale sign-in meets.
    const app = await openAppSetup(page);
    await snap(page, testInfo, "add-app-1-start");
    await app.getByRole("button", { name: "Next" }).click();
    await expect(app.getByRole("heading", { name: "Scan the QR code" })).toBeVisible();
    await snap(page, testInfo, "add-app-2-scan", { mask: (p) => [p.getByRole("dialog").locator("svg, img, canvas")] });
    await app.getByRole("button", { name: "Next" }).click();
    await expect(app.getByRole("heading", { name: "Enter the 6-digit code" })).toBeVisible();
    await snap(page, testInfo, "add-app-3-code");
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();

    await ageSession(context, 11 * 60_000);
    await page.reload();
    await expect(opener).toBeEnabled();
    await openWhereStep(page);
    await choosePlace(page, "This device");
    await expect(dialog.getByRole("heading", { name: "Verify your identity" })).toBeVisible();
    await snap(page, testInfo, "add-verify");
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();

    // Ten passkeys, from many providers.
    for (const [i, p] of STORED_PASSKEYS.entries()) {
      await storePasskey(user.id, { ...storedFields(p), createdAt: new Date(Date.UTC(2026, 0, 10 + i * 20, 9)) });
    }
    await page.reload();
    await expect(page.getByRole("listitem").filter({ hasText: "Unknown key" })).toBeVisible();
    await expect(opener).toBeEnabled();
    await snap(page, testInfo, "security-info-10", { fullPage: true });
  });

  test("the administrators' users, user detail, policy, reports and audit log", async ({ page }, testInfo) => {
    test.setTimeout(180_000);
    const user = await makeVisualUser();
    // Each its own day: the lists order by when a passkey was added.
    for (const [i, p] of STORED_PASSKEYS.slice(0, 4).entries()) {
      await storePasskey(user.id, { ...storedFields(p), createdAt: new Date(Date.UTC(2026, 2, 3 + i, 9)) });
    }
    const admin = await createAdminWithTap(ADMIN_EMAIL);
    await getDb().user.update({ where: { id: admin.id }, data: { displayName: "Grace Hopper" } });
    await getDb().temporaryAccessPass.update({ where: { userId: admin.id }, data: { expiresAt: TAP_EXPIRES } });
    await signInWithTap(page, admin, "/admin/users");
    // The administrator's own sign-in just now, and their account, as of fixed moments.
    await getDb().user.update({
      where: { id: admin.id },
      data: { createdAt: new Date("2025-11-17T12:00:00Z"), lastSignInAt: new Date("2026-11-30T07:45:00Z") },
    });
    await page.goto("/admin/users?q=visual-");
    await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
    const times = (p: Page) => [p.locator("main time")];
    await snap(page, testInfo, "admin-users", { fullPage: true, mask: times });

    await page.goto(`/admin/users/${user.id}`);
    await expect(page.getByText("Pixel 7").first()).toBeVisible();
    await snap(page, testInfo, "admin-user-detail", { fullPage: true, mask: times });

    await page.goto("/admin/policy");
    await expect(page.getByRole("heading", { name: "Passkey policy", level: 1 })).toBeVisible();
    // The FIDO metadata blob the test server made: its number and dates are its own.
    await snap(page, testInfo, "admin-policy", { fullPage: true, mask: (p) => [p.getByRole("group", { name: "Attestation" }).locator("dd")] });

    // The totals and charts come from the whole database, which the other tests fill: their figures
    // are masked, and the page is compared as far as the viewport shows (below it, the provider
    // chart grows with the number of providers). Fixed past days keep the range the same.
    await page.goto("/admin/reports?from=2026-09-01&to=2026-09-30");
    await expect(page.getByRole("heading", { name: "Reports", level: 1 })).toBeVisible();
    await snap(page, testInfo, "admin-reports", {
      mask: (p) => [p.locator(".report-total-value, .report-total-note, .report-charts")],
    });

    // A day of the user's activity, long ago: every row reads the same on every run.
    const [pixel] = await getDb().passkey.findMany({ where: { userId: user.id, name: "Pixel 7" } });
    const at = (time: string) => new Date(`2026-10-01T${time}Z`);
    await getDb().auditEvent.createMany({
      data: [
        { at: at("08:00:00"), type: "tap.issued", outcome: "success", actorId: admin.id, subjectUserId: user.id, ip: "198.51.100.7", details: { lifetimeMinutes: 480, oneTime: false } },
        { at: at("08:04:10"), type: "tap.signin", outcome: "failure", subjectUserId: user.id, ip: "203.0.113.45", details: { reason: "invalid_code" } },
        { at: at("08:05:00"), type: "tap.signin", outcome: "success", actorId: user.id, subjectUserId: user.id, ip: "203.0.113.45", details: {} },
        {
          at: at("08:06:30"),
          type: "passkey.registration",
          outcome: "success",
          actorId: user.id,
          subjectUserId: user.id,
          ip: "203.0.113.45",
          details: { passkeyId: pixel!.id, aaguid: pixel!.aaguid, deviceType: "multiDevice" },
        },
        { at: at("09:15:00"), type: "passkey.authentication", outcome: "success", actorId: user.id, subjectUserId: user.id, ip: "203.0.113.45", details: { passkeyId: pixel!.id } },
      ],
    });
    await page.goto(`/admin/audit?user=${encodeURIComponent(USER_EMAIL)}&to=2026-10-31`);
    await expect(page.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
    await snap(page, testInfo, "admin-audit", { fullPage: true });
    await signOut(page);
  });
});
