// Setting and changing a password on the security-info page, on every device profile: the rules,
// the step-up when the sign-in is stale (what was typed is kept), and the other sessions ending.
import { verifyPassword } from "@/server/password/password-hash";
import { givePassword } from "../fixtures/credentials";
import { fillNewPassword, otherMethods, userRow, verifyWithTap } from "../fixtures/methods";
import { ageSession, auditEventsOf, expect, signInWithTap, test } from "../fixtures/playwright";

const NEW_PASSWORD = "plum tree under the bridge";
const passwordRow = (page: import("@playwright/test").Page) => otherMethods(page).locator('li[data-method="password"]');

test("sets a first password; the rules refuse short, mismatched, common and email passwords first", async ({ page, user }) => {
  await signInWithTap(page, user);
  await expect(passwordRow(page).locator(".method-meta")).toHaveText("Not set");

  await page.getByRole("button", { name: "Set a password" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("heading", { name: "Set a password" })).toBeVisible();
  await expect(dialog.getByLabel("New password", { exact: true })).toBeFocused();

  await fillNewPassword(dialog, "short");
  await expect(dialog.getByRole("alert")).toHaveText("Use at least 8 characters.");
  await fillNewPassword(dialog, NEW_PASSWORD, "plum tree under the bridges");
  await expect(dialog.getByRole("alert")).toHaveText("The passwords don't match.");
  await expect(dialog.getByLabel("Confirm new password")).toBeFocused();

  const refused = page.waitForResponse((r) => r.url().endsWith("/api/me/password"));
  await fillNewPassword(dialog, "Sunshine");
  const res = await refused;
  expect(res.status()).toBe(400);
  expect((await res.json()).error.code).toBe("PASSWORD_REJECTED");
  await expect(dialog.getByRole("alert")).toContainText("most common passwords");
  await expect(dialog.getByLabel("New password", { exact: true })).toBeFocused();

  await fillNewPassword(dialog, user.email.split("@")[0]!.toUpperCase());
  await expect(dialog.getByRole("alert")).toContainText("email address");
  expect((await userRow(user.id)).passwordHash).toBeNull();
  expect(await auditEventsOf(user.id, "password.set")).toHaveLength(0);

  await fillNewPassword(dialog, NEW_PASSWORD);
  await expect(dialog).toBeHidden();
  const row = await userRow(user.id);
  expect(await verifyPassword(row.passwordHash, NEW_PASSWORD)).toBe(true);
  expect(await auditEventsOf(user.id, "password.set")).toEqual([expect.objectContaining({ outcome: "success", details: { changed: false } })]);
  await expect(passwordRow(page).locator(".method-meta")).toHaveText(/^Last changed \d{1,2} \w{3} \d{4}$/);
  await expect(page.getByRole("button", { name: "Change password" })).toBeFocused();
});

test("changing it with a stale sign-in: verify, then the typed password is saved and other sessions end", async ({ page, context, browser, user }) => {
  await givePassword(user.id, "the old password here");
  await signInWithTap(page, user);
  const elsewhere = await browser.newContext();
  try {
    const otherPage = await elsewhere.newPage();
    await signInWithTap(otherPage, user);
    await ageSession(context, 11 * 60_000);

    await page.getByRole("button", { name: "Change password" }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByRole("heading", { name: "Change your password" })).toBeVisible();
    const refused = page.waitForResponse((r) => r.url().endsWith("/api/me/password"));
    await fillNewPassword(dialog, NEW_PASSWORD);
    expect((await refused).status()).toBe(401);
    expect(await verifyPassword((await userRow(user.id)).passwordHash, "the old password here")).toBe(true);

    const saved = page.waitForResponse((r) => r.url().endsWith("/api/me/password") && r.status() === 200);
    await verifyWithTap(dialog, user.tapCode);
    // The same request again, with what the user typed before verifying.
    expect((await saved).request().postDataJSON()).toEqual({ newPassword: NEW_PASSWORD });
    await expect(dialog).toBeHidden();

    const row = await userRow(user.id);
    expect(await verifyPassword(row.passwordHash, NEW_PASSWORD)).toBe(true);
    expect(await auditEventsOf(user.id, "password.set")).toEqual([expect.objectContaining({ details: { changed: true } })]);
    await expect(page.getByRole("status").filter({ hasText: "Password changed." })).toHaveText(
      "Password changed. You were signed out on your other devices.",
    );

    // This browser stays signed in; the other one is signed out.
    await page.reload();
    await expect(page).toHaveURL(/\/security-info$/);
    await otherPage.reload();
    await expect(otherPage).toHaveURL(/\/signin\?returnTo=%2Fsecurity-info$/);
  } finally {
    await elsewhere.close();
  }
});
