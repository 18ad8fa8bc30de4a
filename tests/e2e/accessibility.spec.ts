// axe-core on every page state a user can reach: each sign-in step, the security-info page
// (empty, with passkeys, renaming) and each step of its dialogs, in the light and the dark colour
// scheme. Every violation, whatever its impact, fails the test (softly, so one run lists them all)
// and is attached to the report as axe-<state>.json.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { getDb } from "@/server/db";
import { throttleKeys } from "@/server/throttle/sign-in-throttle";
import { codeFor, giveAuthenticatorApp, givePassword, TEST_PASSWORD } from "../fixtures/credentials";
import { fillNewPassword, openAppSetup, readShownSecret, verifyWithTap, wrongAppCode } from "../fixtures/methods";
import {
  addPasskey,
  ageSession,
  choosePlace,
  expect,
  expireTap,
  finishNaming,
  ignoreAutofill,
  openWhereStep,
  passkeysOf,
  signInWithTap,
  signOut,
  storePasskey,
  submitTapSignIn,
  takeCode,
  test,
  unknownEmailPreferring,
} from "../fixtures/playwright";
import { makeAdministrator, seedAuditEvents } from "../fixtures/admin-audit";
import { createAdmin, deleteUser, restoreDefaultPasskeyPolicy } from "../fixtures/admin-policy";
import { createCampaignUser, deleteCampaignUser, expectPrompt, signInToContinue } from "../fixtures/campaign";
import { createAdminWithTap, deleteUserById, storePasskey as storeAdminViewPasskey } from "../fixtures/admin-users";
import { uniqueEmail } from "../fixtures/unique-email";

const DAY = 86_400_000;

/** Administrators' pages: audited on the desktop profile only (playwright.config.ts, decision 012). */
const ADMIN_PAGES = { tag: "@admin" };

/**
 * axe on the page as it is now. axe-core is injected once per document (each dialog step is the
 * same document), so later runs only run it. Legacy mode runs axe.run in the page itself rather
 * than opening a blank page per run to merge results from frames: these pages have no frames, and
 * the blank page cost about a third of this file's time.
 */
async function runAxe(page: Page) {
  const loaded = await page.evaluate(() => typeof (window as { axe?: { run?: unknown } }).axe?.run === "function");
  return new AxeBuilder(loaded ? { page, axeSource: ";" } : { page }).setLegacyMode().analyze();
}

/** Runs axe on the page as it is now; serious or critical violations fail the test at its end. */
async function expectAccessible(page: Page, state: string) {
  const results = await runAxe(page);
  expect(results.passes.length, "axe checked something").toBeGreaterThan(0);
  const all = results.violations.map((v) => ({
    rule: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.join(" "), html: n.html.slice(0, 200), summary: n.failureSummary })),
  }));
  if (all.length > 0) {
    await test.info().attach(`axe-${state}.json`, { body: JSON.stringify(all, null, 2), contentType: "application/json" });
  }
  const scheme = (await page.evaluate(() => matchMedia("(prefers-color-scheme: dark)").matches)) ? "dark" : "light";
  expect.soft(all, `axe violations (${scheme} scheme): ${state}`).toEqual([]);
}

test("the audit finds a violation planted in the page, on a second run in the same document too", async ({ page }) => {
  await page.goto("/signin");
  await expect(page.getByLabel("Email")).toBeEnabled();
  expect((await runAxe(page)).violations.filter((v) => v.id === "button-name")).toEqual([]);
  await page.evaluate(() => document.querySelector("main")?.append(document.createElement("button")));
  const again = await runAxe(page);
  expect(again.violations.map((v) => v.id)).toContain("button-name");
});

// Each page state is audited in both colour schemes: contrast is checked against the colours the
// scheme actually shows (dark mode has its own tokens, src/app/globals.css).
for (const colorScheme of ["light", "dark"] as const) {
  test.describe(`axe finds no violations (${colorScheme})`, () => {
    test.use({ colorScheme });

    test("on /signin at every step: email, pass, pass refused, other ways, password and code, locked", async ({ page, user }) => {
      await page.goto("/signin");
      await expect(page.getByLabel("Email")).toBeEnabled();
      await expectAccessible(page, "signin-email");

      await page.getByLabel("Email").fill(user.email);
      await page.getByRole("button", { name: "Next" }).click();
      await expect(page.getByLabel("Temporary Access Pass")).toBeVisible();
      await expectAccessible(page, "signin-tap");

      await page.getByLabel("Temporary Access Pass").fill("AAAA-BBBB-CCCC-DDDD");
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await expect(page.getByRole("alert").filter({ hasText: "isn't valid" })).toBeVisible();
      await expectAccessible(page, "signin-tap-error");

      await page.getByRole("button", { name: "Sign in another way" }).click();
      await expect(page.getByRole("heading", { name: "Sign in another way" })).toBeVisible();
      await expectAccessible(page, "signin-other-ways");

      const email = await unknownEmailPreferring("password_totp");
      await page.getByRole("button", { name: "Back" }).click();
      await page.getByLabel("Email").fill(email);
      await page.getByRole("button", { name: "Next" }).click();
      await expect(page.getByLabel("Code from your authenticator app")).toBeVisible();
      await expectAccessible(page, "signin-password-code");

      // Locked: the same address was refused enough times already.
      await getDb().signInThrottle.create({ data: { key: throttleKeys(email, null).account, lockouts: 1, lockedUntil: new Date(Date.now() + 5 * 60_000) } });
      await page.getByLabel("Password", { exact: true }).fill("not the password");
      await page.getByLabel("Code from your authenticator app").fill("123456");
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await expect(page.getByRole("alert").filter({ hasText: "Too many attempts" })).toBeVisible();
      await expectAccessible(page, "signin-locked");
    });

    test("on /signin when the passkey was not used, and in the step-up's password-and-code form", async ({ page, context, authenticator, user }) => {
      await givePassword(user.id);
      const secret = await giveAuthenticatorApp(user.id);
      await signInWithTap(page, user);
      await addPasskey(page, "Laptop");
      await ageSession(context, 11 * 60_000);
      await page.reload();

      const dialog = page.getByRole("dialog");
      await page.getByRole("button", { name: "Delete Laptop", exact: true }).click();
      await dialog.getByRole("button", { name: "Delete", exact: true }).click();
      await expect(dialog.getByRole("button", { name: "Use a passkey" })).toBeVisible();
      await dialog.getByRole("button", { name: "Use your password and code instead" }).click();
      await expect(dialog.getByLabel("Password", { exact: true })).toBeFocused();
      await expectAccessible(page, "delete-verify-password");
      await dialog.getByLabel("Password", { exact: true }).fill(TEST_PASSWORD);
      await dialog.getByLabel("Code from your authenticator app").fill(await takeCode(secret));
      await dialog.getByRole("button", { name: "Verify" }).click();
      await expect(dialog).toBeHidden();
      expect(await passkeysOf(user.id)).toHaveLength(0);

      // The passkey step, refused by the device (as a cancel is).
      await addPasskey(page, "Laptop");
      await ignoreAutofill(page);
      await signOut(page);
      await authenticator.setUserVerified(false);
      await page.getByLabel("Email").fill(user.email);
      await page.getByRole("button", { name: "Next" }).click();
      await expect(page.getByRole("button", { name: "Try again" })).toBeFocused();
      await expectAccessible(page, "signin-passkey-failed");
    });

    test("on /security-info and each step of adding a passkey", async ({ page, context, authenticator, user }) => {
      await signInWithTap(page, user);
      await expect(page.getByRole("button", { name: "Add a passkey" })).toBeEnabled();
      await expectAccessible(page, "security-info-empty");

      await ageSession(context, 11 * 60_000);
      await page.reload();
      const dialog = page.getByRole("dialog");
      await page.getByRole("button", { name: "Add sign-in method" }).click();
      await expect(dialog.getByRole("heading", { name: "Add a sign-in method" })).toBeVisible();
      await expectAccessible(page, "add-choose");

      await dialog.getByRole("button", { name: "Add" }).click();
      await expect(dialog.getByRole("heading", { name: "Where do you want to save your passkey?" })).toBeVisible();
      await expectAccessible(page, "add-where");

      await dialog.getByRole("button", { name: "Next" }).click();
      await expect(dialog.getByRole("heading", { name: "Verify your identity" })).toBeVisible();
      await expectAccessible(page, "add-verify-tap");

      // Hold the options request so the "Creating your passkey" step stays up while axe looks at it.
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let handled!: () => void;
      const done = new Promise<void>((resolve) => (handled = resolve));
      await page.route(
        "**/api/webauthn/registration/options",
        async (route) => {
          await released;
          await route.continue();
          handled();
        },
        { times: 1 },
      );
      await dialog.getByLabel("Temporary Access Pass").fill(user.tapCode);
      await dialog.getByRole("button", { name: "Verify" }).click();
      await expect(dialog.getByRole("heading", { name: "Creating your passkey" })).toBeVisible();
      await expectAccessible(page, "add-creating");
      release();
      await done;

      await expect(dialog.getByRole("heading", { name: "Name your passkey" })).toBeVisible();
      await expectAccessible(page, "add-name");
      await dialog.getByLabel("Passkey name").fill("");
      await dialog.getByRole("button", { name: "Done" }).click();
      await expect(dialog.getByRole("alert")).toHaveText("Enter a name.");
      await expectAccessible(page, "add-name-error");
      await finishNaming(page, "Laptop");

      await expect(page.getByRole("list", { name: "Your passkeys" }).getByRole("listitem")).toHaveCount(1);
      await expectAccessible(page, "security-info-one-passkey");

      await openWhereStep(page);
      await choosePlace(page, "This device");
      await expect(dialog.getByRole("heading", { name: "Your passkey wasn't added" })).toBeVisible();
      await expectAccessible(page, "add-failed");
      expect(await passkeysOf(user.id)).toHaveLength(1);
      expect(await authenticator.credentials()).toHaveLength(1);
    });

    test("while renaming and deleting, including the step-up and the lockout confirmation", async ({ page, context, authenticator, user }) => {
      await storePasskey(user.id, { name: "Phone", createdAt: new Date(Date.now() - DAY), lastUsedAt: new Date(Date.now() - DAY) });
      await signInWithTap(page, user);
      await addPasskey(page, "Laptop");
      expect(await authenticator.credentials()).toHaveLength(1);
      await expectAccessible(page, "security-info-two-passkeys");

      const list = page.getByRole("list", { name: "Your passkeys" });
      await page.getByRole("button", { name: "Rename Laptop", exact: true }).click();
      await expect(list.getByLabel("Passkey name")).toBeFocused();
      await expectAccessible(page, "rename-form");
      await list.getByLabel("Passkey name").fill("phone");
      await list.getByRole("button", { name: "Save" }).click();
      await expect(list.getByRole("alert")).toContainText("You already have a passkey named");
      await expectAccessible(page, "rename-clash");
      await list.getByLabel("Passkey name").press("Escape");

      const dialog = page.getByRole("dialog");
      await page.getByRole("button", { name: "Delete Phone", exact: true }).click();
      await expect(dialog.getByRole("heading", { name: "Delete passkey “Phone”?" })).toBeVisible();
      await expectAccessible(page, "delete-confirm");

      await ageSession(context, 11 * 60_000);
      await dialog.getByRole("button", { name: "Delete", exact: true }).click();
      await expect(dialog.getByRole("heading", { name: "Verify your identity" })).toBeVisible();
      await expectAccessible(page, "delete-verify-passkey");
      await dialog.getByRole("button", { name: "Use a passkey" }).click();
      await expect(dialog).toBeHidden();
      expect((await passkeysOf(user.id)).map((p) => p.name)).toEqual(["Laptop"]);

      await expireTap(user.id);
      await page.getByRole("button", { name: "Delete Laptop", exact: true }).click();
      await expect(dialog.getByRole("note")).toBeVisible();
      await expectAccessible(page, "delete-only-passkey");
      await dialog.getByRole("button", { name: "Delete", exact: true }).click();
      await expect(dialog.getByRole("checkbox")).toBeVisible();
      await expectAccessible(page, "delete-lockout");
      await dialog.getByRole("button", { name: "Cancel" }).click();
      expect(await passkeysOf(user.id)).toHaveLength(1);
    });

    test("on the passkey policy page: defaults, every list open with an error, the step-up, and a refused passkey", ADMIN_PAGES, async ({ page, context, user }) => {
      const admin = await createAdmin();
      try {
        await signInWithTap(page, admin, "/admin/policy");
        await expect(page.getByRole("heading", { name: "Passkey policy", level: 1 })).toBeVisible();
        await expectAccessible(page, "policy-defaults");

        await page.getByRole("radio", { name: /^Selected users/ }).check();
        await page.getByLabel("Add a user by email").fill(user.email);
        await page.getByRole("button", { name: "Find" }).click();
        await page.getByRole("button", { name: `Add ${user.email}` }).click();
        await page.getByRole("radio", { name: "Block the listed providers" }).check();
        await page.getByLabel("Find a provider").fill("yubikey");
        await page.getByLabel("Or enter an AAGUID").fill("nope");
        await page.getByRole("button", { name: "Add", exact: true }).click();
        await page.getByLabel("Maximum passkeys per user").fill("0");
        await page.getByRole("button", { name: "Save policy" }).click();
        await expect(page.getByRole("alert").filter({ hasText: "Some settings need attention" })).toBeVisible();
        await expectAccessible(page, "policy-lists-and-errors");

        await page.getByLabel("Or enter an AAGUID").fill("01020304-0506-0708-0102-030405060708");
        await page.getByRole("button", { name: "Add", exact: true }).click();
        await page.getByLabel("Maximum passkeys per user").fill("10");
        await ageSession(context, 11 * 60_000);
        await page.getByRole("button", { name: "Save policy" }).click();
        await expect(page.getByRole("dialog").getByRole("heading", { name: "Verify your identity" })).toBeVisible();
        await expectAccessible(page, "policy-step-up");
        await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();

        await storePasskey(user.id, { name: "Blocked key" });
        await getDb().passkey.updateMany({ where: { userId: user.id }, data: { aaguid: "01020304-0506-0708-0102-030405060708" } });
        await getDb().passkeyPolicy.update({ where: { id: 1 }, data: { keyRestriction: "block", aaguids: ["01020304-0506-0708-0102-030405060708"] } });
        await page.context().clearCookies();
        await signInWithTap(page, user);
        await expect(page.getByText(/Not allowed by your organization's policy/)).toBeVisible();
        await expectAccessible(page, "security-info-refused-passkey");
      } finally {
        await restoreDefaultPasskeyPolicy();
        await deleteUser(admin.id);
      }
    });

    test("with synced passkeys and at the passkey limit", async ({ page, user }) => {
      for (let i = 1; i <= 10; i++) {
        const row = await storePasskey(user.id, { name: `Stored key ${i}`, createdAt: new Date(Date.now() - i * DAY) });
        if (i % 2 === 0) {
          await getDb().passkey.update({ where: { id: row.id }, data: { deviceType: "multiDevice", backedUp: i % 4 === 0 } });
        }
      }
      await signInWithTap(page, user);
      await expect(page.getByRole("heading", { name: "Passkeys (10 of 10)" })).toBeVisible();
      await expectAccessible(page, "security-info-ten-passkeys");

      await page.getByRole("button", { name: "Add sign-in method" }).click();
      await expect(page.getByRole("dialog").getByRole("status")).toHaveText(/the most allowed/);
      await expectAccessible(page, "add-limit");
      expect(await passkeysOf(user.id)).toHaveLength(10);
    });

    test("on the passkey registration prompt: skippable, required, and its add-passkey dialog", async ({ page, authenticator }) => {
      expect(authenticator.id).toBeTruthy();
      const skippable = await createCampaignUser();
      const required = await createCampaignUser({ skips: 3 });
      try {
        await signInToContinue(page, skippable);
        await expectPrompt(page);
        await expect(page.getByRole("button", { name: "Not now" })).toBeEnabled();
        await expectAccessible(page, "campaign-prompt");
        await page.context().clearCookies();

        await signInToContinue(page, required);
        await expectPrompt(page);
        await expect(page.getByText("Your organization requires a passkey. Add one to continue.")).toBeVisible();
        await expectAccessible(page, "campaign-prompt-required");

        await page.getByRole("button", { name: "Next" }).click();
        await expect(page.getByRole("dialog").getByRole("heading", { name: "Where do you want to save your passkey?" })).toBeVisible();
        await expectAccessible(page, "campaign-add-where");
      } finally {
        await deleteCampaignUser(skippable.id);
        await deleteCampaignUser(required.id);
      }
    });

    test("while adding an authenticator app, at each step", async ({ page, context, user }) => {
      await signInWithTap(page, user);
      await ageSession(context, 11 * 60_000);
      const dialog = await openAppSetup(page);
      await expectAccessible(page, "app-start");

      await dialog.getByRole("button", { name: "Next" }).click();
      await expect(dialog.getByRole("heading", { name: "Verify your identity" })).toBeVisible();
      await expectAccessible(page, "app-verify");
      await verifyWithTap(dialog, user.tapCode);

      await expect(dialog.getByRole("heading", { name: "Scan the QR code" })).toBeVisible();
      await expectAccessible(page, "app-scan");
      const secret = await readShownSecret(dialog);
      await expectAccessible(page, "app-scan-manual");

      await dialog.getByRole("button", { name: "Next" }).click();
      await expect(dialog.getByRole("heading", { name: "Enter the 6-digit code" })).toBeVisible();
      await expectAccessible(page, "app-code");
      await dialog.getByLabel("Code", { exact: true }).fill(wrongAppCode(secret));
      await dialog.getByRole("button", { name: "Next" }).click();
      await expect(dialog.getByRole("alert")).toBeVisible();
      await expectAccessible(page, "app-code-error");

      await dialog.getByLabel("Code", { exact: true }).fill(codeFor(secret));
      await dialog.getByRole("button", { name: "Next" }).click();
      await expect(dialog.getByRole("heading", { name: "Authenticator app added" })).toBeVisible();
      await expectAccessible(page, "app-done");
      await dialog.getByRole("button", { name: "Done" }).click();
      await expect(dialog).toBeHidden();
      await expectAccessible(page, "security-info-with-app");
    });

    test("in the password, remove-app and default-method dialogs", async ({ page, user }) => {
      await storePasskey(user.id, { name: "Phone" });
      await givePassword(user.id);
      await giveAuthenticatorApp(user.id);
      await signInWithTap(page, user);
      await expect(page.getByRole("button", { name: "Change password" })).toBeEnabled();
      await expectAccessible(page, "security-info-all-methods");
      const dialog = page.getByRole("dialog");

      await page.getByRole("button", { name: "Change password" }).click();
      await expect(dialog.getByRole("heading", { name: "Change your password" })).toBeVisible();
      await expectAccessible(page, "password-form");
      await fillNewPassword(dialog, "password1");
      await expect(dialog.getByRole("alert")).toBeVisible();
      await expectAccessible(page, "password-rejected");
      await dialog.getByRole("button", { name: "Cancel" }).click();

      await page.getByRole("button", { name: "Delete authenticator app" }).click();
      await expect(dialog.getByRole("heading", { name: "Delete authenticator app?" })).toBeVisible();
      await expectAccessible(page, "remove-app-confirm");
      await dialog.getByRole("button", { name: "Cancel" }).click();

      await page.getByRole("button", { name: "Change default sign-in method" }).click();
      await expect(dialog.getByRole("heading", { name: "Change default sign-in method" })).toBeVisible();
      await expectAccessible(page, "default-method");
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await expect(dialog).toBeHidden();
    });

    test("on /admin/audit: the log, filtered with a next page, and refused filters", ADMIN_PAGES, async ({ page, user }) => {
      await makeAdministrator(user);
      await seedAuditEvents(user, "passkey.renamed", 55);
      await page.goto(`/signin?returnTo=${encodeURIComponent("/admin/audit")}`);
      await submitTapSignIn(page, user);
      await expect(page.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
      await expectAccessible(page, "admin-audit");

      await page.goto(`/admin/audit?user=${encodeURIComponent(user.email)}&type=passkey.renamed`);
      await expect(page.getByRole("link", { name: "Next page" })).toBeVisible();
      await expectAccessible(page, "admin-audit-filtered");

      await page.goto("/admin/audit?from=2031-02-30");
      await expect(page.getByText("Not a calendar date.")).toBeVisible();
      await expectAccessible(page, "admin-audit-bad-filter");
    });

    test("on the administrators' users list and user page, in each action dialog and the step-up", ADMIN_PAGES, async ({ page, context, user }) => {
      const admin = await createAdminWithTap(uniqueEmail("e2e-admin"));
      try {
        await storeAdminViewPasskey(user.id, { name: "Work phone", aaguid: "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4" });
        await signInWithTap(page, admin, "/admin/users");
        await page.getByLabel("Search by email or name").fill(user.email);
        await page.getByRole("button", { name: "Search" }).click();
        await expect(page.getByRole("status")).toHaveText("1 matching user");
        await expectAccessible(page, "admin-users-list");
        await page.goto("/admin/users?q=nobody-has-this-prefix");
        await expect(page.getByText("No users found.")).toBeVisible();
        await expectAccessible(page, "admin-users-empty");

        await page.goto(`/admin/users/${user.id}`);
        await expect(page.getByRole("heading", { level: 1, name: "E2E User" })).toBeVisible();
        await expectAccessible(page, "admin-user-detail");
        const dialog = page.getByRole("dialog");
        for (const [button, heading] of [
          ["Delete passkey Work phone", "Delete passkey “Work phone”?"],
          ["Add Temporary Access Pass", "Add a Temporary Access Pass?"],
          ["Revoke sessions", "Revoke sessions?"],
          ["Require re-registration of passkeys", "Require re-registration of passkeys?"],
        ] as const) {
          await page.getByRole("button", { name: button }).click();
          await expect(dialog.getByRole("heading", { name: heading })).toBeVisible();
          await expectAccessible(page, `admin-${button.toLowerCase().replace(/\W+/g, "-")}`);
          await dialog.getByRole("button", { name: "Cancel" }).click();
          await expect(dialog).toBeHidden();
        }

        await page.getByRole("button", { name: "Add Temporary Access Pass" }).click();
        await dialog.getByRole("button", { name: "Add" }).click();
        await expect(dialog.getByTestId("tap-code")).toBeVisible();
        await expectAccessible(page, "admin-tap-shown");
        await dialog.getByRole("button", { name: "Close" }).click();

        await ageSession(context, 60 * 60_000);
        await page.getByRole("button", { name: "Revoke sessions" }).click();
        await dialog.getByRole("button", { name: "Revoke" }).click();
        await expect(dialog.getByRole("heading", { name: "Verify your identity" })).toBeVisible();
        await expectAccessible(page, "admin-step-up");
        await dialog.getByRole("button", { name: "Cancel" }).click();
      } finally {
        await deleteUserById(admin.id);
      }
    });

    test("on /admin/reports and its registration details: charts, their tables, filters and refused input", ADMIN_PAGES, async ({ page, user }) => {
      await makeAdministrator(user);
      await storeAdminViewPasskey(user.id, { name: "Report key", aaguid: "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4" });
      await page.goto(`/signin?returnTo=${encodeURIComponent("/admin/reports")}`);
      await submitTapSignIn(page, user);
      await expect(page.getByRole("heading", { level: 1, name: "Reports" })).toBeVisible();
      await expectAccessible(page, "admin-reports");
      for (const summary of await page.getByText("Show as table").all()) await summary.click();
      await expectAccessible(page, "admin-reports-tables");

      await page.goto("/admin/reports?from=2031-02-30");
      await expect(page.getByText("Not a calendar date. Showing the last 30 days.")).toBeVisible();
      await expectAccessible(page, "admin-reports-bad-range");

      await page.goto(`/admin/reports/registrations?q=${encodeURIComponent(user.email)}&method=passkey`);
      await expect(page.getByRole("status")).toHaveText("1 matching user");
      await expectAccessible(page, "admin-registrations");
      await page.setViewportSize({ width: 360, height: 740 });
      await expectAccessible(page, "admin-registrations-narrow");
      await page.goto("/admin/reports/registrations?q=nobody-has-this-prefix");
      await expect(page.getByText("No users match these filters.")).toBeVisible();
      await expectAccessible(page, "admin-registrations-empty");
    });
  });
}
