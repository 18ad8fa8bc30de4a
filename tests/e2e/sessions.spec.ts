import { getDb } from "@/server/db";
import { expect, signInWithTap, storePasskey, submitTapSignIn, test } from "../fixtures/playwright";

test("'Sign out everywhere' ends the user's sessions in every browser, this one included", async ({ page, browser, user }) => {
  await signInWithTap(page, user);
  const elsewhere = await browser.newContext();
  try {
    const otherPage = await elsewhere.newPage();
    await signInWithTap(otherPage, user);
    expect(await getDb().userSession.count({ where: { userId: user.id } })).toBe(2);

    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    await expect(page).toHaveURL(/\/signin\?ended=everywhere$/);
    await expect(page.getByRole("status").filter({ hasText: "You've been signed out everywhere, including here." })).toBeVisible();

    // The other browser still holds its cookie, but the session it names is gone.
    await otherPage.reload();
    await expect(otherPage).toHaveURL(/\/signin\?returnTo=%2Fsecurity-info$/);
    const status = await otherPage.evaluate(async () => (await fetch("/api/me/passkeys")).status);
    expect(status).toBe(401);

    expect(await getDb().userSession.count({ where: { userId: user.id } })).toBe(0);
    const events = await getDb().auditEvent.findMany({ where: { subjectUserId: user.id, type: "sessions.revoked" } });
    expect(events).toEqual([expect.objectContaining({ outcome: "success", details: { revoked: 2 } })]);
  } finally {
    await elsewhere.close();
  }
});

test("an action after the session ended says so, and Sign in comes back to the same page", async ({ page, user }) => {
  await storePasskey(user.id, { name: "Laptop" });
  await signInWithTap(page, user);
  // Ended while the page stayed open: another device's "Sign out everywhere", an administrator, expiry.
  await getDb().userSession.deleteMany({ where: { userId: user.id } });

  await page.getByRole("button", { name: "Rename Laptop", exact: true }).click();
  await page.getByLabel("Passkey name").fill("Work laptop");
  await page.getByRole("button", { name: "Save" }).click();
  const ended = page.getByRole("dialog", { name: "Your session has ended" });
  await expect(ended).toBeVisible();
  // Nothing offers a retry that cannot work; the way on is signing in.
  await expect(page.getByRole("button", { name: /try again/i })).toHaveCount(0);
  await expect(ended.getByRole("link", { name: "Sign in" })).toBeFocused();
  await ended.getByRole("link", { name: "Sign in" }).click();

  await expect(page).toHaveURL(/\/signin\?returnTo=%2Fsecurity-info&ended=session$/);
  await expect(page.getByRole("status").filter({ hasText: "Your session has ended. Sign in again to continue." })).toBeVisible();
  await submitTapSignIn(page, user);
  await expect(page).toHaveURL(/\/security-info$/);
  await expect(page.getByRole("button", { name: "Rename Laptop", exact: true })).toBeVisible();
});
