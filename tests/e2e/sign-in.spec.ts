// Identifier-first sign-in through the real page: the email first, then the account's preferred
// way in (passkey, password and authenticator-app code, or a Temporary Access Pass), every other
// way under "Sign in another way", the same steps for an unknown email, refusals and the lock.
import type { Page } from "@playwright/test";
import { getDb } from "@/server/db";
import { codeFor, giveAuthenticatorApp, givePassword, TEST_PASSWORD } from "../fixtures/credentials";
import {
  addPasskey,
  ageSession,
  auditEventsOf,
  expect,
  ignoreAutofill,
  passkeysOf,
  signInWithPassword,
  signInWithTap,
  signOut,
  takeCode,
  test,
  unknownEmailPreferring,
} from "../fixtures/playwright";

const INVALID = "That email, password or code isn't right.";

async function enterEmail(page: Page, email: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Next" }).click();
}

/** The labels "Sign in another way" lists. */
async function otherWays(page: Page): Promise<string[]> {
  await page.getByRole("button", { name: "Sign in another way" }).click();
  await expect(page.getByRole("heading", { name: "Sign in another way", level: 1 })).toBeVisible();
  return page.locator(".signin-choices button").allTextContents();
}

/** What a step shows: its heading and the labels of its fields. */
async function stepShape(page: Page) {
  return {
    heading: await page.getByRole("heading", { level: 1 }).textContent(),
    fields: await page.locator(".signin form label").allTextContents(),
  };
}

async function userWithPasswordAndApp(userId: string) {
  await givePassword(userId);
  return giveAuthenticatorApp(userId);
}

test.describe("identifier-first sign-in", () => {
  test("an account with a passkey: Email > Next runs the passkey prompt and signs in", async ({ page, authenticator, user }) => {
    await signInWithTap(page, user);
    await addPasskey(page, "Laptop");
    await ignoreAutofill(page);
    await signOut(page);

    await page.goto("/signin?returnTo=%2Fsecurity-info%3Ftab%3Dpasskeys");
    await enterEmail(page, user.email);
    await expect(page).toHaveURL(/\/security-info\?tab=passkeys$/);
    expect(await auditEventsOf(user.id, "passkey.authentication")).toEqual([expect.objectContaining({ outcome: "success" })]);
    expect((await authenticator.credentials())[0]!.signCount).toBeGreaterThan(0);
  });

  test("a passkey that isn't used: Try again, or Sign in another way > Temporary Access Pass", async ({ page, authenticator, user }) => {
    await signInWithTap(page, user);
    await addPasskey(page, "Laptop");
    await ignoreAutofill(page);
    await signOut(page);

    // The device refuses, as when the person cancels its prompt.
    await authenticator.setUserVerified(false);
    await enterEmail(page, user.email);
    await expect(page.getByRole("heading", { name: "Use your passkey", level: 1 })).toBeVisible();
    await expect(page.getByRole("alert").filter({ hasText: "cancelled or timed out" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Try again" })).toBeFocused();
    await expect(page.getByText(user.email)).toBeVisible();

    expect(await otherWays(page)).toEqual(["Passkey", "Temporary Access Pass"]);
    await page.getByRole("button", { name: "Temporary Access Pass" }).click();
    await expect(page.getByLabel("Temporary Access Pass")).toBeFocused();
    await page.getByLabel("Temporary Access Pass").fill(user.tapCode);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL(/\/security-info$/);
  });

  test("password and authenticator-app code, computed from the secret, sign in as multifactor", async ({ page, authenticator, user }) => {
    const secret = await userWithPasswordAndApp(user.id);
    await page.goto("/security-info");
    await expect(page).toHaveURL(/\/signin\?returnTo=%2Fsecurity-info$/);
    await enterEmail(page, user.email);
    await expect(page.getByRole("heading", { name: "Enter password", level: 1 })).toBeVisible();
    await expect(page.getByLabel("Password", { exact: true })).toBeFocused();
    await page.getByLabel("Password", { exact: true }).fill(TEST_PASSWORD);
    await page.getByLabel("Code from your authenticator app").fill(await takeCode(secret));
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL(/\/security-info$/);
    await expect(page.getByRole("heading", { name: "Security info", level: 1 })).toBeVisible();
    expect(await auditEventsOf(user.id, "password.signin")).toEqual([
      expect.objectContaining({ outcome: "success", details: { factors: ["password", "totp"] } }),
    ]);
    // Multifactor and fresh: adding a passkey needs no step-up.
    await addPasskey(page, "After password");
    expect(await passkeysOf(user.id)).toHaveLength(1);
    expect(await authenticator.credentials()).toHaveLength(1);
  });

  test("a password alone signs in single-factor, and adding a passkey then asks to verify", async ({ page, user }) => {
    await givePassword(user.id);
    await signInWithPassword(page, user.email, TEST_PASSWORD);
    await expect(page).toHaveURL(/\/security-info$/);
    await page.getByRole("button", { name: "Add sign-in method" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Add" }).click();
    const refused = page.waitForResponse((r) => r.url().endsWith("/api/webauthn/registration/options"));
    await dialog.getByRole("button", { name: "Next" }).click();
    expect((await (await refused).json()).error.code).toBe("REAUTH_REQUIRED");
    await expect(dialog.getByRole("heading", { name: "Verify your identity" })).toBeVisible();
    // A password alone cannot satisfy the step-up: only the pass is offered.
    await expect(dialog.getByLabel("Temporary Access Pass")).toBeFocused();
    await expect(dialog.getByLabel("Password", { exact: true })).toHaveCount(0);
    expect(await passkeysOf(user.id)).toHaveLength(0);
  });

  test("Sign in another way lists the account's methods; the pass signs in", async ({ page, user }) => {
    await userWithPasswordAndApp(user.id);
    await page.goto("/signin");
    await enterEmail(page, user.email);
    await expect(page.getByRole("heading", { name: "Enter password", level: 1 })).toBeVisible();
    expect(await otherWays(page)).toEqual(["Password and authenticator app", "Temporary Access Pass"]);
    await page.getByRole("button", { name: "Temporary Access Pass" }).click();
    await page.getByLabel("Temporary Access Pass").fill(user.tapCode);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL(/\/security-info$/);
  });

  test("an unknown email gets the same steps, choices and refusal as a known one", async ({ page, user }) => {
    await userWithPasswordAndApp(user.id);
    const unknown = await unknownEmailPreferring("password_totp", "nobody", ["password_totp", "tap"]);
    const seen: Array<{ shape: unknown; ways: string[]; error: string | null; status: number }> = [];
    for (const email of [user.email, unknown]) {
      await page.goto("/signin");
      await enterEmail(page, email);
      await expect(page.getByLabel("Code from your authenticator app")).toBeVisible();
      const shape = await stepShape(page);
      await page.getByLabel("Password", { exact: true }).fill("not the password");
      await page.getByLabel("Code from your authenticator app").fill("123456");
      const answer = page.waitForResponse((r) => r.url().endsWith("/api/auth/password"));
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      const status = (await answer).status();
      const error = await page.getByRole("alert").filter({ hasText: "isn't right" }).textContent();
      seen.push({ shape, ways: await otherWays(page), error, status });
    }
    expect(seen[0]).toEqual({
      shape: { heading: "Enter password", fields: ["Password", "Code from your authenticator app"] },
      ways: ["Password and authenticator app", "Temporary Access Pass"],
      error: INVALID,
      status: 401,
    });
    expect(seen[1]).toEqual(seen[0]);
  });

  test("a wrong code is refused with one message for both factors, and nothing signs in", async ({ page, user }) => {
    const secret = await userWithPasswordAndApp(user.id);
    await page.goto("/signin");
    await enterEmail(page, user.email);
    await page.getByLabel("Password", { exact: true }).fill(TEST_PASSWORD);
    const wrong = codeFor(secret) === "000000" ? "111111" : "000000";
    await page.getByLabel("Code from your authenticator app").fill(wrong);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByRole("alert").filter({ hasText: INVALID })).toBeVisible();
    // Both fields start again empty, the cursor in the password.
    await expect(page.getByLabel("Password", { exact: true })).toBeFocused();
    await expect(page.getByLabel("Password", { exact: true })).toHaveValue("");
    await expect(page.getByLabel("Code from your authenticator app")).toHaveValue("");
    await expect(page).toHaveURL(/\/signin$/);
    expect(await auditEventsOf(user.id, "password.signin")).toEqual([
      expect.objectContaining({ outcome: "failure", details: { reason: "wrong code" } }),
    ]);
    expect((await page.request.get("/api/me/passkeys")).status()).toBe(401);
  });

  test("a code already used is refused the second time", async ({ page, user }) => {
    const secret = await userWithPasswordAndApp(user.id);
    const code = await takeCode(secret);
    for (const attempt of [1, 2]) {
      await page.goto("/signin");
      await enterEmail(page, user.email);
      await page.getByLabel("Password", { exact: true }).fill(TEST_PASSWORD);
      await page.getByLabel("Code from your authenticator app").fill(code);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      if (attempt === 1) {
        await expect(page).toHaveURL(/\/security-info$/);
        await ignoreAutofill(page);
        await signOut(page);
      }
    }
    await expect(page.getByRole("alert").filter({ hasText: INVALID })).toBeVisible();
    await expect(page).toHaveURL(/\/signin$/);
    expect((await auditEventsOf(user.id, "password.signin")).map((e) => [e.outcome, e.details])).toEqual([
      ["success", { factors: ["password", "totp"] }],
      ["failure", { reason: "code reused" }],
    ]);
  });

  test("after too many failures the account is locked with a clear message, even for the right password", async ({ page, user }) => {
    const secret = await userWithPasswordAndApp(user.id);
    await page.goto("/signin");
    await enterEmail(page, user.email);
    const password = page.getByLabel("Password", { exact: true });
    const code = page.getByLabel("Code from your authenticator app");
    const submit = page.getByRole("button", { name: "Sign in", exact: true });
    for (let i = 0; i < 5; i++) {
      await password.fill(`wrong password ${i}`);
      await code.fill("123456");
      const answer = page.waitForResponse((r) => r.url().endsWith("/api/auth/password"));
      await submit.click();
      expect((await answer).status()).toBe(401);
      // The refused form empties itself; fill it again only then.
      await expect(password).toHaveValue("");
    }
    expect(await auditEventsOf(user.id, "signin.locked")).toHaveLength(1);

    await password.fill(TEST_PASSWORD);
    await code.fill(await takeCode(secret));
    const locked = page.waitForResponse((r) => r.url().endsWith("/api/auth/password"));
    await submit.click();
    const response = await locked;
    expect(response.status()).toBe(429);
    expect(Number(response.headers()["retry-after"])).toBeGreaterThan(240);
    // (Next.js keeps an empty route announcer with role=alert on every page.)
    await expect(page.getByRole("alert").filter({ hasText: "Too many" })).toHaveText("Too many attempts. Try again in 5 minutes, or sign in with a passkey.");
    await expect(page).toHaveURL(/\/signin$/);
    // The pass is locked too.
    await otherWays(page);
    await page.getByRole("button", { name: "Temporary Access Pass" }).click();
    await page.getByLabel("Temporary Access Pass").fill(user.tapCode);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Too many attempts." })).toBeVisible();
    expect(await getDb().user.findUniqueOrThrow({ where: { id: user.id }, select: { lastSignInAt: true } })).toEqual({ lastSignInAt: null });
  });

  test("a malformed email is pointed out on the first step, with the cursor back in it", async ({ page }) => {
    await page.goto("/signin");
    await enterEmail(page, "someone@");
    await expect(page.getByRole("alert").filter({ hasText: "valid email" })).toHaveText("Enter a valid email address.");
    await expect(page.getByLabel("Email")).toBeFocused();
    await expect(page.getByRole("heading", { name: "Sign in", level: 1 })).toBeVisible();
  });

  test("a refused pass keeps the cursor in the pass field, for another try", async ({ page, user }) => {
    await page.goto("/signin");
    await enterEmail(page, user.email);
    const tapField = page.getByLabel("Temporary Access Pass");
    await tapField.fill("AAAA-BBBB-CCCC-DDDD");
    await tapField.press("Enter");
    await expect(page.getByRole("alert").filter({ hasText: "isn't valid" })).toBeVisible();
    await expect(tapField).toBeFocused();
    await tapField.fill(user.tapCode);
    await tapField.press("Enter");
    await expect(page).toHaveURL(/\/security-info$/);
  });

  test("without WebAuthn in the browser, no passkey is offered anywhere", async ({ page, authenticator, user }) => {
    await signInWithTap(page, user);
    await addPasskey(page, "Laptop");
    expect(await authenticator.credentials()).toHaveLength(1);
    await ignoreAutofill(page);
    await signOut(page);
    await page.addInitScript(() => {
      delete (window as { PublicKeyCredential?: unknown }).PublicKeyCredential;
    });
    await page.reload();
    await expect(page.getByLabel("Email")).toBeEnabled();
    await expect(page.getByRole("button", { name: "Sign in with a passkey" })).toHaveCount(0);
    await enterEmail(page, user.email);
    await expect(page.getByLabel("Temporary Access Pass")).toBeVisible();
    expect(await otherWays(page)).toEqual(["Temporary Access Pass"]);
  });
});

test.describe("step-up with password and code", () => {
  test("a stale session: Delete > Verify your identity > password and code > the passkey is deleted", async ({ page, context, authenticator, user }) => {
    const secret = await userWithPasswordAndApp(user.id);
    await signInWithPassword(page, user.email, TEST_PASSWORD, secret);
    await addPasskey(page, "Laptop");
    const [laptop] = await passkeysOf(user.id);
    expect(await authenticator.credentials()).toHaveLength(1);
    await ageSession(context, 11 * 60_000);
    await page.reload();

    const dialog = page.getByRole("dialog");
    await page.getByRole("button", { name: "Delete Laptop", exact: true }).click();
    const refused = page.waitForResponse((r) => r.url().endsWith(`/api/me/passkeys/${laptop!.id}`) && r.request().method() === "DELETE");
    await dialog.getByRole("button", { name: "Delete", exact: true }).click();
    expect((await (await refused).json()).error.code).toBe("REAUTH_REQUIRED");
    await expect(dialog.getByRole("heading", { name: "Verify your identity" })).toBeVisible();
    expect(await passkeysOf(user.id)).toHaveLength(1);

    await dialog.getByRole("button", { name: "Use your password and code instead" }).click();
    await expect(dialog.getByLabel("Password", { exact: true })).toBeFocused();
    // A wrong code first: refused in place, nothing deleted.
    await dialog.getByLabel("Password", { exact: true }).fill(TEST_PASSWORD);
    await dialog.getByLabel("Code from your authenticator app").fill(codeFor(secret) === "000000" ? "111111" : "000000");
    await dialog.getByRole("button", { name: "Verify" }).click();
    await expect(dialog.getByRole("alert")).toHaveText(INVALID);
    expect(await passkeysOf(user.id)).toHaveLength(1);

    const deleted = page.waitForResponse((r) => r.url().endsWith(`/api/me/passkeys/${laptop!.id}`) && r.request().method() === "DELETE" && r.status() === 200);
    await dialog.getByLabel("Password", { exact: true }).fill(TEST_PASSWORD);
    await dialog.getByLabel("Code from your authenticator app").fill(await takeCode(secret));
    await dialog.getByRole("button", { name: "Verify" }).click();
    await deleted;
    await expect(dialog).toBeHidden();
    expect(await passkeysOf(user.id)).toHaveLength(0);
    expect((await auditEventsOf(user.id, "password.signin")).map((e) => [e.outcome, e.details])).toEqual([
      ["success", { factors: ["password", "totp"] }],
      ["failure", { reason: "wrong code" }],
      ["success", { factors: ["password", "totp"] }],
    ]);
    expect(await auditEventsOf(user.id, "passkey.deleted")).toEqual([expect.objectContaining({ outcome: "success" })]);
  });
});
