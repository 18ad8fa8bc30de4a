// The authenticator app as a sign-in method, on every device profile: adding it with the secret
// the page shows (codes computed here as an app would), a wrong code, the step-up when the
// sign-in is stale, removing it, the last-way-in guard, and choosing the default sign-in method.
import { getDb } from "@/server/db";
import { giveAuthenticatorApp, givePassword } from "../fixtures/credentials";
import {
  authenticatorAppOf,
  finishAppSetup,
  openAppSetup,
  otherMethods,
  readShownSecret,
  userRow,
  verifyWithTap,
  wrongAppCode,
} from "../fixtures/methods";
import { ageSession, auditEventsOf, expect, expireTap, signInWithTap, storePasskey, test } from "../fixtures/playwright";

const ELEVEN_MINUTES = 11 * 60_000;

test("adds an authenticator app: get the app, scan (or type) the secret, a wrong code is refused, the right one confirms it", async ({ page, user }) => {
  await signInWithTap(page, user);
  await expect(otherMethods(page).getByText("Authenticator app")).toHaveCount(0);

  const dialog = await openAppSetup(page);
  const setup = page.waitForResponse((r) => r.url().endsWith("/api/me/authenticator-app") && r.request().method() === "POST");
  await dialog.getByRole("button", { name: "Next" }).click();
  expect((await setup).status()).toBe(200);
  await expect(dialog.getByRole("img", { name: "QR code to scan with your authenticator app" })).toHaveAttribute("src", /^data:image\/svg\+xml;base64,/);
  await expect(dialog.locator("[data-secret]")).toBeHidden();
  const secret = await readShownSecret(dialog);
  await expect(dialog.getByText(`Security Info: ${user.email}`)).toBeVisible();

  // The shown secret is the stored one; the app is not confirmed yet and not listed.
  const pending = await authenticatorAppOf(user.id);
  expect(pending?.secret).toEqual(secret);
  expect(pending?.confirmedAt).toBeNull();

  await dialog.getByRole("button", { name: "Next" }).click();
  await expect(dialog.getByRole("heading", { name: "Enter the 6-digit code" })).toBeVisible();
  await expect(dialog.getByLabel("Code", { exact: true })).toBeFocused();
  await dialog.getByLabel("Code", { exact: true }).fill(wrongAppCode(secret));
  await dialog.getByRole("button", { name: "Next" }).click();
  await expect(dialog.getByRole("alert")).toHaveText("That code didn't work. Enter the 6-digit code your app shows now.");
  await expect(dialog.getByLabel("Code", { exact: true })).toBeFocused();
  expect((await authenticatorAppOf(user.id))?.confirmedAt).toBeNull();
  expect(await auditEventsOf(user.id, "authenticator_app.added")).toHaveLength(0);

  await dialog.getByRole("button", { name: "Back" }).click();
  await finishAppSetup(dialog, secret);

  const app = await authenticatorAppOf(user.id);
  expect(app?.confirmedAt).not.toBeNull();
  expect(app?.secret).toEqual(secret);
  expect(await auditEventsOf(user.id, "authenticator_app.added")).toEqual([expect.objectContaining({ outcome: "success" })]);
  const row = otherMethods(page).locator('li[data-method="authenticator-app"]');
  await expect(row.locator(".method-name")).toHaveText("Authenticator app");
  await expect(row.locator(".method-meta")).toContainText("Added");
  await expect(page.getByRole("button", { name: "Add sign-in method" })).toBeFocused();

  // With an app, Add sign-in method no longer offers another one.
  await page.getByRole("button", { name: "Add sign-in method" }).click();
  await expect(page.getByRole("dialog").getByRole("option")).toHaveText(["Passkey"]);
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();

  // The page is served without the secret once set up.
  await page.reload();
  expect(await page.content()).not.toContain(secret.toString("hex"));
  await expect(otherMethods(page).locator('li[data-method="authenticator-app"]')).toBeVisible();
});

test("a stale sign-in asks to verify your identity, then shows the QR code without starting over", async ({ page, context, user }) => {
  await signInWithTap(page, user);
  await ageSession(context, ELEVEN_MINUTES);
  const dialog = await openAppSetup(page);
  const refused = page.waitForResponse((r) => r.url().endsWith("/api/me/authenticator-app") && r.request().method() === "POST");
  await dialog.getByRole("button", { name: "Next" }).click();
  const res = await refused;
  expect(res.status()).toBe(401);
  expect((await res.json()).error.code).toBe("REAUTH_REQUIRED");
  expect(await authenticatorAppOf(user.id)).toBeNull();

  await verifyWithTap(dialog, user.tapCode);
  const secret = await readShownSecret(dialog);
  await finishAppSetup(dialog, secret);
  expect((await authenticatorAppOf(user.id))?.confirmedAt).not.toBeNull();
});

test("removes the app after a stale sign-in steps up; its row goes and the default falls back", async ({ page, context, user }) => {
  await givePassword(user.id);
  await giveAuthenticatorApp(user.id);
  await signInWithTap(page, user);
  await expect(page.locator(".default-method")).toHaveText("Default sign-in method: Password and authenticator app");
  await ageSession(context, ELEVEN_MINUTES);

  await page.getByRole("button", { name: "Delete authenticator app" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("heading", { name: "Delete authenticator app?" })).toBeVisible();
  await dialog.getByRole("button", { name: "Delete", exact: true }).click();
  await verifyWithTap(dialog, user.tapCode);
  await expect(dialog).toBeHidden();

  expect(await authenticatorAppOf(user.id)).toBeNull();
  expect(await auditEventsOf(user.id, "authenticator_app.removed")).toEqual([expect.objectContaining({ outcome: "success" })]);
  await expect(otherMethods(page).locator('li[data-method="authenticator-app"]')).toHaveCount(0);
  await expect(page.locator(".default-method")).toHaveText("Default sign-in method: Temporary Access Pass");
  await expect(page.getByRole("heading", { name: "Other sign-in methods" })).toBeFocused();
});

test("refuses to remove password + app when they are the last way in, and keeps the app", async ({ page, user }) => {
  await givePassword(user.id);
  await giveAuthenticatorApp(user.id);
  await signInWithTap(page, user);
  await expireTap(user.id);

  await page.getByRole("button", { name: "Delete authenticator app" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(dialog.getByRole("alert")).toContainText("last way to sign in");
  await expect(dialog.getByRole("button", { name: "Delete", exact: true })).toBeDisabled();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("button", { name: "Delete authenticator app" })).toBeFocused();
  expect((await authenticatorAppOf(user.id))?.confirmedAt).not.toBeNull();
  expect(await auditEventsOf(user.id, "authenticator_app.removed")).toHaveLength(0);
});

test("changes the default sign-in method between the methods the user has", async ({ page, user }) => {
  await storePasskey(user.id, { name: "Phone" });
  await givePassword(user.id);
  await giveAuthenticatorApp(user.id);
  await signInWithTap(page, user);
  await expect(page.locator(".default-method")).toHaveText("Default sign-in method: Passkey");

  await page.getByRole("button", { name: "Change default sign-in method" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("heading", { name: "Change default sign-in method" })).toBeVisible();
  await expect(dialog.getByRole("radio")).toHaveCount(2);
  await expect(dialog.getByRole("radio", { name: /^Passkey/ })).toBeChecked();
  await expect(dialog.getByRole("radio", { name: /^Passkey/ })).toBeFocused();
  await dialog.getByRole("radio", { name: /^Password and authenticator app/ }).check();
  await dialog.getByRole("button", { name: "Confirm" }).click();
  await expect(dialog).toBeHidden();

  await expect(page.locator(".default-method")).toHaveText("Default sign-in method: Password and authenticator app");
  await expect(page.getByRole("button", { name: "Change default sign-in method" })).toBeFocused();
  expect((await userRow(user.id)).defaultSignInMethod).toBe("password");
  expect(await auditEventsOf(user.id, "default_sign_in_method.changed")).toEqual([
    expect.objectContaining({ outcome: "success", details: { from: null, to: "password" } }),
  ]);
  await page.reload();
  await expect(page.locator(".default-method")).toHaveText("Default sign-in method: Password and authenticator app");
});

test("the API refuses a default the user does not have (METHOD_NOT_REGISTERED) and changes nothing", async ({ page, user }) => {
  await signInWithTap(page, user);
  const answer = await page.evaluate(async () => {
    const res = await fetch("/api/me/default-sign-in-method", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ method: "password" }),
    });
    return { status: res.status, body: await res.json() };
  });
  expect(answer).toEqual({ status: 409, body: { error: { code: "METHOD_NOT_REGISTERED", message: expect.any(String) } } });
  expect((await userRow(user.id)).defaultSignInMethod).toBeNull();
  expect(await getDb().auditEvent.count({ where: { subjectUserId: user.id, type: "default_sign_in_method.changed" } })).toBe(0);
});

test("at the passkey limit, Add sign-in method still offers an authenticator app", async ({ page, user }) => {
  for (let i = 1; i <= 10; i++) await storePasskey(user.id, { name: `Stored key ${i}` });
  await signInWithTap(page, user);
  await page.getByRole("button", { name: "Add sign-in method" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("status")).toHaveText("You already have 10 passkeys, the most allowed. Delete one to add another.");
  await expect(dialog.getByRole("option")).toHaveText(["Authenticator app"]);
  await dialog.getByRole("button", { name: "Add", exact: true }).click();
  await expect(dialog.getByRole("heading", { name: "Start by getting the app" })).toBeVisible();
});

test("at 360 px every step of adding the app fits the width, with the QR code and the secret whole", async ({ page, user }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await signInWithTap(page, user);
  const fitsWidth = async () => {
    const { scrollWidth, offenders } = await page.evaluate(() => {
      const outside = Array.from(document.querySelectorAll<HTMLElement>("dialog[open] *"))
        .filter((el) => !el.closest(".visually-hidden"))
        .map((el) => ({ el, box: el.getBoundingClientRect() }))
        .filter(({ box }) => box.width > 0 && (box.right > window.innerWidth + 0.5 || box.left < -0.5))
        .map(({ el }) => `${el.tagName.toLowerCase()}.${el.className}`);
      return { scrollWidth: document.documentElement.scrollWidth, offenders: outside };
    });
    expect(offenders).toEqual([]);
    expect(scrollWidth).toBeLessThanOrEqual(360);
  };
  const dialog = await openAppSetup(page);
  await fitsWidth();
  await dialog.getByRole("button", { name: "Next" }).click();
  const secret = await readShownSecret(dialog);
  await fitsWidth();
  await expect(dialog.getByRole("img", { name: "QR code to scan with your authenticator app" })).toBeInViewport({ ratio: 1 });
  await dialog.locator("[data-secret]").scrollIntoViewIfNeeded();
  await expect(dialog.locator("[data-secret]")).toBeInViewport({ ratio: 1 });
  await dialog.getByRole("button", { name: "Next" }).scrollIntoViewIfNeeded();
  await expect(dialog.getByRole("button", { name: "Next" })).toBeInViewport({ ratio: 1 });
  await dialog.getByRole("button", { name: "Next" }).click();
  await expect(dialog.getByRole("heading", { name: "Enter the 6-digit code" })).toBeVisible();
  await fitsWidth();
  await dialog.getByRole("button", { name: "Back" }).click();
  await finishAppSetup(dialog, secret);
});
