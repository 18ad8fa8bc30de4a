// An administrator finds a user, inspects and deletes their passkey, and gives them a Temporary
// Access Pass that the user then signs in with in a browser of their own.
import { createAdminWithTap, deleteUserById, deleteUsersWithPrefix, makeUsers, storePasskey, uniqueSearchPrefix } from "../fixtures/admin-users";
import { verifyWithTap } from "../fixtures/methods";
import { ageSession, expect, passkeysOf, signInWithTap, submitTapSignIn, test } from "../fixtures/playwright";
import { E2E } from "../fixtures/e2e-env";
import { uniqueEmail } from "../fixtures/unique-email";
import { getDb } from "@/server/db";

const GOOGLE_AAGUID = "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4";

test("an administrator finds a user, deletes their passkey and issues a pass they sign in with", async ({ page, browser, user }) => {
  const admin = await createAdminWithTap(uniqueEmail("e2e-admin"));
  try {
    const passkey = await storePasskey(user.id, {
      aaguid: GOOGLE_AAGUID,
      name: "Work phone",
      synced: true,
      attestationFormat: "none",
      transports: ["hybrid", "internal"],
    });
    await signInWithTap(page, admin, "/admin/users");
    await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();

    await page.getByLabel("Search by email or name").fill(user.email.toUpperCase());
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page.getByRole("status")).toHaveText("1 matching user");
    const row = page.getByRole("row").filter({ hasText: user.email });
    await expect(row).toContainText("1");
    // At 360 px each user is a card: nothing scrolls sideways, each value is labelled, and the
    // email is never split across lines (it fits its own line).
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await expect(row.locator("td").first()).toHaveCSS("display", "block");
    await expect(row.locator('td[data-label="Email"]')).toHaveText(user.email);
    // The address's own text (the "Email:" label is a pseudo-element) lies on one line.
    const emailLines = await row.locator('td[data-label="Email"] .email-text').evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    });
    expect(emailLines).toBe(1);
    await page.setViewportSize({ width: 1280, height: 720 });
    await row.getByRole("link", { name: "E2E User" }).click();

    await expect(page).toHaveURL(new RegExp(`/admin/users/${user.id}$`));
    await expect(page.getByRole("heading", { level: 1, name: "E2E User" })).toBeVisible();
    const passkeys = page.getByRole("list", { name: /Passkeys/ });
    const item = passkeys.getByRole("listitem").filter({ hasText: "Work phone" });
    await expect(item).toContainText("Google Password Manager");
    await expect(item).toContainText(GOOGLE_AAGUID);
    await expect(item).toContainText("Synced");
    await expect(item).toContainText("none (not verified)");
    // It has never verified its user: its sign-ins are single-factor (decision 013).
    await expect(item).toContainText("Verifies the userNot yet (presence only: single-factor sign-in)");
    await expect(item).toContainText("hybrid, internal");
    await expect(item).toContainText("Current policyAccepted");

    await item.getByRole("button", { name: "Delete passkey Work phone" }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByRole("heading", { name: "Delete passkey “Work phone”?" })).toBeVisible();
    // A destructive confirmation starts on Cancel.
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await dialog.getByRole("button", { name: "Delete" }).click();
    await expect(dialog.getByRole("status")).toHaveText("The passkey “Work phone” was deleted.");
    await dialog.getByRole("button", { name: "Close" }).click();
    await expect(page.getByText("No passkeys registered.")).toBeVisible();
    expect(await passkeysOf(user.id)).toEqual([]);
    const deleted = await getDb().auditEvent.findMany({ where: { subjectUserId: user.id, type: "admin.passkey.deleted" } });
    expect(deleted).toMatchObject([{ actorId: admin.id, details: { passkeyId: passkey.id } }]);

    await page.getByRole("button", { name: "Add Temporary Access Pass" }).click();
    await expect(dialog.getByLabel("Lifetime (minutes)")).toBeFocused();
    await dialog.getByLabel("Lifetime (minutes)").fill("30");
    await dialog.getByRole("button", { name: "Add" }).click();
    await expect(dialog.getByRole("heading", { name: "Temporary Access Pass added" })).toBeVisible();
    await expect(dialog).toContainText("One time");
    const code = (await dialog.getByTestId("tap-code").textContent())!.trim();
    expect(code).toMatch(/^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/);
    // Copy puts exactly the pass on the clipboard, and says so.
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await dialog.getByRole("button", { name: "Copy" }).click();
    await expect(dialog.getByRole("status").filter({ hasText: "Copied." })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);
    // At 360 px the pass stays on one line.
    await page.setViewportSize({ width: 360, height: 740 });
    const lines = await dialog.getByTestId("tap-code").evaluate((el) => el.getClientRects().length);
    expect(lines).toBe(1);
    const box = (await dialog.getByTestId("tap-code").boundingBox())!;
    const fontSize = await dialog.getByTestId("tap-code").evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(box.height).toBeLessThan(fontSize * 2);
    expect(box.x + box.width).toBeLessThanOrEqual(360);
    await page.setViewportSize({ width: 1280, height: 720 });
    await dialog.getByRole("button", { name: "Close" }).click();
    await expect(page.getByRole("button", { name: "Add Temporary Access Pass" })).toBeFocused();
    await expect(page.getByRole("list", { name: "Other sign-in methods" })).toContainText("Usable, one-time");

    // The user, in a browser of their own, signs in with the pass the administrator read out.
    const theirs = await browser.newContext({ baseURL: E2E.baseURL });
    try {
      const userPage = await theirs.newPage();
      await userPage.goto("/signin");
      await submitTapSignIn(userPage, { ...user, tapCode: code });
      await expect(userPage).toHaveURL(/\/security-info$/);
      await expect(userPage.getByRole("heading", { level: 1, name: "Security info" })).toBeVisible();
    } finally {
      await theirs.close();
    }
  } finally {
    await deleteUserById(admin.id);
  }
});

test("a user who is not an administrator gets the 403 page at /admin/users", async ({ page, user }) => {
  await signInWithTap(page, user);
  const response = await page.goto("/admin/users");
  expect(response?.status()).toBe(403);
});

test("an administrator whose sign-in is no longer fresh verifies again, then the action goes through", async ({ page, context, browser, user }) => {
  const admin = await createAdminWithTap(uniqueEmail("e2e-admin"));
  try {
    // The user is signed in elsewhere; revoking ends that session.
    const theirs = await browser.newContext({ baseURL: E2E.baseURL });
    const userPage = await theirs.newPage();
    await signInWithTap(userPage, user);

    await signInWithTap(page, admin, "/admin/users");
    await page.goto(`/admin/users/${user.id}`);
    await ageSession(context, 60 * 60_000);
    await page.getByRole("button", { name: "Revoke sessions" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Revoke" }).click();
    await verifyWithTap(dialog, admin.tapCode);
    await expect(dialog.getByRole("status")).toHaveText("1 session was revoked. The user must sign in again everywhere.");
    const events = await getDb().auditEvent.findMany({ where: { subjectUserId: user.id, type: "admin.sessions.revoked" } });
    expect(events).toMatchObject([{ actorId: admin.id, details: { revoked: 1 } }]);

    await userPage.reload();
    await expect(userPage).toHaveURL(/\/signin/);
    await theirs.close();
  } finally {
    await deleteUserById(admin.id);
  }
});

test("an administrator pages through a search with Next and Previous, and an unknown user is 404", async ({ page }) => {
  const admin = await createAdminWithTap(uniqueEmail("e2e-admin"));
  const prefix = uniqueSearchPrefix();
  try {
    const users = await makeUsers(prefix, 51);
    await signInWithTap(page, admin, "/admin/users");
    await page.getByLabel("Search by email or name").fill(prefix);
    await page.getByLabel("Show").selectOption("no-passkey");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page.getByRole("status")).toHaveText("51 matching users");
    const rows = page.getByRole("region", { name: "Users" }).getByRole("row");
    await expect(rows).toHaveCount(51); // 50 users and the header
    const pages = page.getByRole("navigation", { name: "Pages" });
    await expect(pages.getByRole("link", { name: "Previous" })).toHaveCount(0);

    await pages.getByRole("link", { name: "Next" }).click();
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(1)).toContainText(users[50]!.email);
    await expect(pages.getByRole("link", { name: "Next" })).toHaveCount(0);
    await expect(page.getByLabel("Show")).toHaveValue("no-passkey");

    await pages.getByRole("link", { name: "Previous" }).click();
    await expect(rows).toHaveCount(51);
    await expect(rows.nth(1)).toContainText(users[0]!.email);
    await expect(pages.getByRole("link", { name: "Previous" })).toHaveCount(0);

    const missing = await page.goto("/admin/users/00000000-0000-4000-8000-000000000000");
    expect(missing?.status()).toBe(404);

    // Searches are counted up to 1,000; beyond that the list says so rather than counting on.
    await makeUsers(`${prefix}-more`, 950);
    await page.goto(`/admin/users?q=${prefix}`);
    await expect(page.getByRole("status")).toHaveText("More than 1,000 matching users");
    await expect(rows).toHaveCount(51);
  } finally {
    await deleteUsersWithPrefix(prefix);
    await deleteUserById(admin.id);
  }
});

test("an administrator clears a user's sign-in lock, and the user signs in with their pass at once", async ({ page, browser, request, user }) => {
  const admin = await createAdminWithTap(uniqueEmail("e2e-admin"));
  try {
    // Five wrong passes (SIGNIN_MAX_FAILURES) lock the account: even the right pass waits.
    const tapSignIn = (code: string) => request.post("/api/auth/tap", { data: { email: user.email, code }, headers: { origin: E2E.baseURL } });
    for (let i = 0; i < 5; i++) expect((await tapSignIn("AAAA-BBBB-CCCC-DDDD")).status()).toBe(401);
    expect((await tapSignIn(user.tapCode)).status()).toBe(429);

    await signInWithTap(page, admin, "/admin/users");
    await page.goto(`/admin/users/${user.id}`);
    await expect(page.getByTestId("sign-in-lock")).toHaveText(/^Locked until .* after too many failed attempts$/);
    await page.getByRole("button", { name: "Clear sign-in lock" }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByRole("heading", { name: "Clear sign-in lock?" })).toBeVisible();
    await dialog.getByRole("button", { name: "Clear" }).click();
    await expect(dialog.getByRole("status")).toHaveText(`The sign-in lock was cleared. ${user.email} can sign in with a pass, password or code again now.`);
    await dialog.getByRole("button", { name: "Close" }).click();
    await expect(page.getByTestId("sign-in-lock")).toHaveText("Not locked");
    await expect(page.getByRole("button", { name: "Clear sign-in lock" })).toHaveCount(0);
    const events = await getDb().auditEvent.findMany({ where: { subjectUserId: user.id, type: "admin.signin_lock.cleared" } });
    expect(events).toMatchObject([{ actorId: admin.id, details: { lockouts: 1 } }]);

    const theirs = await browser.newContext({ baseURL: E2E.baseURL });
    await signInWithTap(await theirs.newPage(), user);
    await theirs.close();
  } finally {
    await deleteUserById(admin.id);
  }
});
