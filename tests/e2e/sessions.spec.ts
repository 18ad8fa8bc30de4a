import { getDb } from "@/server/db";
import { expect, signInWithTap, test } from "../fixtures/playwright";

test("'Sign out everywhere' ends the user's sessions in every browser, this one included", async ({ page, browser, user }) => {
  await signInWithTap(page, user);
  const elsewhere = await browser.newContext();
  try {
    const otherPage = await elsewhere.newPage();
    await signInWithTap(otherPage, user);
    expect(await getDb().userSession.count({ where: { userId: user.id } })).toBe(2);

    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    await expect(page).toHaveURL(/\/signin$/);

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
