// An administrator edits the passkey policy; the server applies it at the next sign-in and
// registration. Tests share the one policy row: each restores the defaults when it ends.
import type { Page } from "@playwright/test";
import { getDb } from "@/server/db";
import { createAdmin, deleteUser, latestPolicyAudit, restoreDefaultPasskeyPolicy } from "../fixtures/admin-policy";
import { verifyWithTap } from "../fixtures/methods";
import {
  addPasskey,
  ageSession,
  auditEventsOf,
  choosePlace,
  expect,
  ignoreAutofill,
  openWhereStep,
  passkeysOf,
  signInWithTap,
  signOut,
  submitTapSignIn,
  test,
} from "../fixtures/playwright";

/** Signs the administrator in with their pass, then opens the policy page. */
async function openPolicyPage(page: Page, admin: { email: string; tapCode: string; id: string }) {
  await signInWithTap(page, admin, "/admin/policy");
}

const VIRTUAL_AAGUID = "01020304-0506-0708-0102-030405060708";

test.afterEach(restoreDefaultPasskeyPolicy);

/** On /admin/policy: target only `email`, block the virtual authenticators' AAGUID, save. */
async function blockVirtualAuthenticatorFor(page: Page, email: string) {
  await expect(page.getByRole("heading", { name: "Passkey policy", level: 1 })).toBeVisible();
  await page.getByRole("radio", { name: /^Selected users/ }).check();
  await page.getByLabel("Add a user by email").fill(email);
  await page.getByRole("button", { name: "Find" }).click();
  await page.getByRole("button", { name: `Add ${email}` }).click();
  await expect(page.getByRole("heading", { name: "Selected users (1)" })).toBeVisible();

  await page.getByRole("radio", { name: "Block the listed providers" }).check();
  await page.getByLabel("Or enter an AAGUID").fill("not an aaguid");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.getByText(/Enter an AAGUID such as/)).toBeVisible();
  await page.getByLabel("Or enter an AAGUID").fill(VIRTUAL_AAGUID.toUpperCase());
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.getByRole("list", { name: "Blocked providers" }).getByText(VIRTUAL_AAGUID)).toBeVisible();

  await page.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Policy saved" })).toBeVisible();
}

test("an administrator blocks a provider's AAGUID: the user's next sign-in with it and a new registration are refused", async ({
  page,
  authenticator,
  addAuthenticator,
  user,
}) => {
  await signInWithTap(page, user);
  await addPasskey(page, "Laptop");
  // Autofill would sign the user straight back in with the new passkey; this user ignores it.
  await ignoreAutofill(page);
  await signOut(page);

  const admin = await createAdmin();
  try {
    await openPolicyPage(page, admin);
    await blockVirtualAuthenticatorFor(page, user.email);
    expect((await latestPolicyAudit())?.actorId).toBe(admin.id);
    // The administrator's view of the user marks the passkey the new policy refuses.
    await page.goto(`/admin/users/${user.id}`);
    await expect(page.getByText("Refused: this provider is on the block list. This passkey can't be used to sign in.")).toBeVisible();
    await signOut(page);

    // The user's passkey is refused at sign-in, with the rule and what to do.
    await page.goto("/signin?returnTo=%2Fsecurity-info");
    await page.getByLabel("Email").fill(user.email);
    await page.getByRole("button", { name: "Next" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "blocked passkeys from this provider" })).toBeVisible();
    await expect(page).toHaveURL(/\/signin/);
    expect((await authenticator.credentials())[0]!.signCount).toBeGreaterThan(0);
    expect(await auditEventsOf(user.id, "passkey.authentication")).toEqual([
      expect.objectContaining({ outcome: "failure", details: expect.objectContaining({ rule: "aaguidBlocked" }) }),
    ]);

    // Another way in still works; the list marks the passkey; a new one from that provider is refused.
    await page.goto("/security-info");
    await submitTapSignIn(page, user);
    await expect(page).toHaveURL(/\/security-info$/);
    await expect(page.getByText("Not allowed by your organization's policy: this provider is blocked.")).toBeVisible();
    await addAuthenticator({ transport: "usb" });
    await openWhereStep(page);
    await choosePlace(page, "Security key");
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByRole("alert").filter({ hasText: "blocked passkeys from this provider" })).toBeVisible();
    expect(await passkeysOf(user.id)).toHaveLength(1);
  } finally {
    await restoreDefaultPasskeyPolicy();
    await deleteUser(admin.id);
  }
});

test.describe("device-bound only", () => {
  test.use({ authenticatorOptions: { defaultBackupEligibility: true, defaultBackupState: true } });

  test("after a stale-session step-up, a synced (backup-eligible) passkey is refused at sign-in and at registration", async ({
    page,
    context,
    authenticator,
    user,
  }) => {
    await signInWithTap(page, user);
    await addPasskey(page, "Phone");
    expect(await passkeysOf(user.id)).toEqual([expect.objectContaining({ deviceType: "multiDevice" })]);
    await ignoreAutofill(page);
    await signOut(page);

    const admin = await createAdmin();
    try {
      await openPolicyPage(page, admin);
      await page.getByRole("radio", { name: /^Selected users/ }).check();
      await page.getByLabel("Add a user by email").fill(user.email.slice(0, 12));
      await page.getByLabel("Add a user by email").press("Enter");
      await page.getByRole("button", { name: `Add ${user.email}` }).click();
      await page.getByRole("radio", { name: /^Device-bound passkeys only/ }).check();
      await page.getByLabel("Maximum passkeys per user").fill("11");
      await page.getByRole("button", { name: "Save policy" }).click();
      await expect(page.getByRole("alert").filter({ hasText: "Some settings need attention" })).toBeFocused();
      await expect(page.getByText("Allow at most 10 passkeys.")).toBeVisible();
      await page.getByLabel("Maximum passkeys per user").fill("5");

      // A stale sign-in: saving asks the administrator to verify, then saves without a second click.
      await ageSession(context, 11 * 60_000);
      await page.getByRole("button", { name: "Save policy" }).click();
      await verifyWithTap(page.getByRole("dialog"), admin.tapCode);
      await expect(page.getByRole("status").filter({ hasText: "Policy saved" })).toBeVisible();
      expect((await latestPolicyAudit())?.details).toMatchObject({
        changes: { syncedAllowed: { before: true, after: false }, maxPasskeys: { before: 10, after: 5 } },
      });

      // Nothing at 360 px wider than the screen.
      await page.setViewportSize({ width: 360, height: 740 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      await signOut(page);

      await page.goto("/signin?returnTo=%2Fsecurity-info");
      await page.getByLabel("Email").fill(user.email);
      await page.getByRole("button", { name: "Next" }).click();
      await expect(page.getByRole("alert").filter({ hasText: "only device-bound passkeys" })).toBeVisible();
      expect(await auditEventsOf(user.id, "passkey.authentication")).toEqual([
        expect.objectContaining({ outcome: "failure", details: expect.objectContaining({ rule: "syncedNotAllowed" }) }),
      ]);

      await page.goto("/security-info");
      await submitTapSignIn(page, user);
      await expect(page).toHaveURL(/\/security-info$/);
      await expect(page.getByText("Not allowed by your organization's policy: only device-bound passkeys are allowed.")).toBeVisible();
      // The same synced authenticator cannot add another passkey either (it already holds one, so
      // its credential is removed from the device first, as when a user resets it).
      await authenticator.cdp.send("WebAuthn.clearCredentials", { authenticatorId: authenticator.id });
      await getDb().passkey.deleteMany({ where: { userId: user.id } });
      await openWhereStep(page);
      await choosePlace(page, "This device");
      await expect(page.getByRole("dialog").getByRole("alert").filter({ hasText: "allows only device-bound passkeys" })).toBeVisible();
      expect(await passkeysOf(user.id)).toHaveLength(0);
    } finally {
      await restoreDefaultPasskeyPolicy();
      await deleteUser(admin.id);
    }
  });
});
