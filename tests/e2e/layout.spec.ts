// Small screens, keyboard-only use and accessible names, on every device profile. Screenshots at
// 360 px go to test-results/layout-360/<project>/ for a human to look at.
import type { Locator, Page, TestInfo } from "@playwright/test";
import { giveAuthenticatorApp, givePassword } from "../fixtures/credentials";
import { ageSession, expect, signInWithTap, test, unknownEmailPreferring } from "../fixtures/playwright";

const WIDTH = 360;
const HEIGHT = 740;
/** 64 characters without a space: the longest name allowed, and the hardest to wrap. */
const LONG_NAME = "Passkey-on-my-extraordinarily-long-named-work-laptop-2026-editio";

test.beforeEach(async ({ page }) => {
  await page.setViewportSize({ width: WIDTH, height: HEIGHT });
});

async function screenshot(page: Page, testInfo: TestInfo, name: string) {
  const path = `test-results/layout-360/${testInfo.project.name}/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

/** No horizontal scrolling at 360 px; on failure, names the elements that stick out. */
async function expectNoHorizontalOverflow(page: Page) {
  const { scrollWidth, offenders } = await page.evaluate(() => {
    const width = window.innerWidth;
    const offenders: string[] = [];
    for (const el of Array.from(document.querySelectorAll<HTMLElement>("body *"))) {
      if (el.closest(".skip-link, .visually-hidden")) continue;
      const box = el.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if (box.right > width + 0.5 || box.left < -0.5) {
        offenders.push(`${el.tagName.toLowerCase()}.${el.className} [${Math.round(box.left)}..${Math.round(box.right)}]`);
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, offenders };
  });
  expect(offenders, "elements outside the 360 px viewport").toEqual([]);
  expect(scrollWidth).toBeLessThanOrEqual(WIDTH);
}

/** Wholly visible and within the viewport's width (it may need vertical scrolling). */
async function expectFullyInside(locator: Locator) {
  await expect(locator).toBeVisible();
  const box = (await locator.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(WIDTH + 0.5);
}

/** Every visible form control in `scope` has a non-empty accessible name. */
async function expectControlsNamed(scope: Locator) {
  const controls = scope.locator("input, select, textarea, button, a[href], [role=button]").filter({ visible: true });
  const count = await controls.count();
  expect(count).toBeGreaterThan(0);
  const unnamed: string[] = [];
  for (let i = 0; i < count; i++) {
    const snapshot = await controls.nth(i).ariaSnapshot();
    // e.g. `- textbox "Email"`, `- combobox "Which method would you like to add?":`
    const name = /^- [\w-]+ "(.*?)"/.exec(snapshot.split("\n")[0] ?? "")?.[1]?.trim();
    if (!name) unnamed.push(`${await controls.nth(i).evaluate((el) => el.outerHTML.slice(0, 120))} -> ${snapshot}`);
  }
  expect(unnamed, "controls without an accessible name").toEqual([]);
}

/** The open dialog sits inside the viewport, scrolls nothing sideways, and every control fits. */
async function expectDialogFits(page: Page, dialog: Locator) {
  await expect(dialog).toBeVisible();
  await expectFullyInside(dialog);
  const box = (await dialog.boundingBox())!;
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height).toBeLessThanOrEqual(HEIGHT + 0.5);
  const { scrollWidth, clientWidth } = await dialog.evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
  for (const control of await dialog.locator("button, input, select").filter({ visible: true }).all()) {
    await expect(control).toBeInViewport({ ratio: 1 });
  }
  await expectNoHorizontalOverflow(page);
  await expectControlsNamed(dialog);
}

/** Presses Tab until `target` has focus; fails after `limit` presses. Returns what was passed. */
async function tabTo(page: Page, target: Locator, limit = 10): Promise<string[]> {
  const visited: string[] = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    visited.push(
      await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return el ? `${el.tagName.toLowerCase()}:${(el.getAttribute("aria-label") ?? el.textContent ?? el.getAttribute("name") ?? "").trim().slice(0, 40)}` : "none";
      }),
    );
    if (await target.evaluate((el) => el === document.activeElement)) return visited;
  }
  throw new Error(`Tab never reached the target; focus went ${visited.join(" → ")}`);
}

test.describe("at 360 px", () => {
  test("the sign-in page fits at every step, with an error and a long email, and every control is named", async ({ page, user }, testInfo) => {
    await page.goto("/signin");
    const email = page.getByLabel("Email");
    await expect(email).toBeEnabled();
    await expect(page.getByRole("heading", { name: "Sign in", level: 1 })).toBeVisible();
    for (const control of [email, page.getByRole("button", { name: "Next" }), page.getByRole("button", { name: "Sign in with a passkey" })]) {
      await expectFullyInside(control);
    }
    await expectNoHorizontalOverflow(page);
    await expectControlsNamed(page.locator("body"));
    await screenshot(page, testInfo, "signin");

    // This account has only a Temporary Access Pass: that step comes next.
    await email.fill(user.email);
    await page.getByRole("button", { name: "Next" }).click();
    const code = page.getByLabel("Temporary Access Pass");
    await expect(code).toBeVisible();
    await code.fill("AAAA-BBBB-CCCC-DDDD");
    const refused = page.waitForResponse((r) => r.url().endsWith("/api/auth/tap"));
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    expect((await refused).status()).toBe(401);
    // (Next.js keeps an empty route announcer with role=alert on every page.)
    const alert = page.getByRole("alert").filter({ hasText: "isn't valid" });
    await expect(alert).toBeVisible();
    for (const control of [
      page.getByRole("button", { name: "Back" }),
      page.getByText(user.email),
      code,
      page.getByRole("button", { name: "Sign in", exact: true }),
      alert,
      page.getByRole("button", { name: "Sign in another way" }),
    ]) {
      await expectFullyInside(control);
    }
    await expectNoHorizontalOverflow(page);
    await expectControlsNamed(page.locator("body"));
    await screenshot(page, testInfo, "signin-tap-error");

    await page.getByRole("button", { name: "Sign in another way" }).click();
    await expect(page.getByRole("heading", { name: "Sign in another way", level: 1 })).toBeVisible();
    await expectFullyInside(page.getByRole("button", { name: "Temporary Access Pass" }));
    await expectNoHorizontalOverflow(page);
    await expectControlsNamed(page.locator("body"));
    await screenshot(page, testInfo, "signin-other-ways");

    // A long address on the password-and-code step: it wraps, nothing scrolls sideways.
    const long = await unknownEmailPreferring("password_totp", "someone-with-a-rather-long-address.and-more");
    await page.getByRole("button", { name: "Back" }).click();
    await email.fill(long);
    await page.getByRole("button", { name: "Next" }).click();
    await expect(page.getByRole("heading", { name: "Enter password", level: 1 })).toBeVisible();
    for (const control of [
      page.getByText(long),
      page.getByLabel("Password", { exact: true }),
      page.getByLabel("Code from your authenticator app"),
      page.getByRole("button", { name: "Sign in", exact: true }),
      page.getByRole("button", { name: "Sign in another way" }),
    ]) {
      await expectFullyInside(control);
    }
    await expectNoHorizontalOverflow(page);
    await expectControlsNamed(page.locator("body"));
    await screenshot(page, testInfo, "signin-password");
  });

  test("security info and every reachable step of the Add sign-in method dialog fit", async ({ page, context, authenticator, user }, testInfo) => {
    await signInWithTap(page, user);
    const opener = page.getByRole("button", { name: "Add sign-in method" });
    await expect(opener).toBeEnabled();
    await expectNoHorizontalOverflow(page);
    await screenshot(page, testInfo, "security-info-empty");

    const dialog = page.getByRole("dialog");
    await opener.click();
    await expect(dialog.getByRole("heading", { name: "Add a sign-in method" })).toBeVisible();
    await expectDialogFits(page, dialog);
    await screenshot(page, testInfo, "dialog-1-choose");

    await dialog.getByRole("button", { name: "Add" }).click();
    await expect(dialog.getByRole("heading", { name: "Where do you want to save your passkey?" })).toBeVisible();
    await expect(dialog.getByRole("radio")).toHaveCount(3);
    await expectDialogFits(page, dialog);
    await screenshot(page, testInfo, "dialog-2-where");

    await dialog.getByRole("button", { name: "Next" }).click();
    await expect(dialog.getByRole("heading", { name: "Name your passkey" })).toBeVisible();
    await expectDialogFits(page, dialog);
    await screenshot(page, testInfo, "dialog-3-name");
    await dialog.getByLabel("Passkey name").fill(LONG_NAME);
    await dialog.getByRole("button", { name: "Done" }).click();
    await expect(dialog).toBeHidden();

    // One passkey, with the longest name there can be.
    const item = page.getByRole("listitem").filter({ hasText: LONG_NAME });
    await expect(item).toBeVisible();
    await expect(page.getByRole("heading", { name: "Security info", level: 1 })).toBeVisible();
    for (const control of [opener, page.getByRole("button", { name: "Sign out", exact: true }), item, page.getByText(user.email)]) {
      await expectFullyInside(control);
    }
    await expectNoHorizontalOverflow(page);
    await expectControlsNamed(page.locator("body"));
    await screenshot(page, testInfo, "security-info-one-passkey");

    // Adding again on the same authenticator is refused (the passkey is excluded): the failed step.
    await opener.click();
    await dialog.getByRole("button", { name: "Add" }).click();
    await dialog.getByRole("button", { name: "Next" }).click();
    await expect(dialog.getByRole("heading", { name: "Your passkey wasn't added" })).toBeVisible();
    await expectDialogFits(page, dialog);
    await screenshot(page, testInfo, "dialog-4-failed");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    expect(await authenticator.credentials()).toHaveLength(1);

    // A stale sign-in: the verify step.
    await ageSession(context, 11 * 60_000);
    await page.reload();
    await expect(opener).toBeEnabled();
    await opener.click();
    await dialog.getByRole("button", { name: "Add" }).click();
    await dialog.getByRole("button", { name: "Next" }).click();
    await expect(dialog.getByRole("heading", { name: "Verify your identity" })).toBeVisible();
    await expectDialogFits(page, dialog);
    await screenshot(page, testInfo, "dialog-5-verify");
  });

  test("the step-up dialog's password-and-code form fits and every control is named", async ({ page, context, authenticator, user }, testInfo) => {
    await givePassword(user.id);
    await giveAuthenticatorApp(user.id);
    await signInWithTap(page, user);
    const opener = page.getByRole("button", { name: "Add sign-in method" });
    await ageSession(context, 11 * 60_000);
    await page.reload();
    await expect(opener).toBeEnabled();
    await opener.click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Add" }).click();
    await dialog.getByRole("button", { name: "Next" }).click();
    await expect(dialog.getByRole("heading", { name: "Verify your identity" })).toBeVisible();
    // No passkey yet: the account's password and code come first, the pass one tap away.
    await expect(dialog.getByLabel("Password", { exact: true })).toBeFocused();
    await expect(dialog.getByRole("button", { name: "Use a Temporary Access Pass instead" })).toBeVisible();
    await expectDialogFits(page, dialog);
    await screenshot(page, testInfo, "dialog-6-verify-password");
    expect(await authenticator.credentials()).toHaveLength(0);
  });

  // Guards a fixed bug: `.choice input` could shrink in its flex row, so the option whose hint is
  // longest ("Another device") got a smaller radio and its text started further left.
  test("the places to save a passkey line up: same radio size, texts aligned", async ({ page, user }) => {
    await signInWithTap(page, user);
    await page.getByRole("button", { name: "Add sign-in method" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Add" }).click();
    const radios = dialog.getByRole("radio");
    await expect(radios).toHaveCount(3);
    const boxes = await radios.evaluateAll((els) =>
      els.map((el) => {
        const radio = el.getBoundingClientRect();
        const text = el.nextElementSibling!.getBoundingClientRect();
        const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
        return { label: el.nextElementSibling!.querySelector("strong")!.textContent, width: radio.width / rem, height: radio.height / rem, textLeft: Math.round(text.left) };
      }),
    );
    // The stylesheet asks for 1.1rem radios.
    for (const box of boxes) {
      expect.soft(box.width, `radio width of "${box.label}" (rem)`).toBeCloseTo(1.1, 1);
      expect.soft(box.height, `radio height of "${box.label}" (rem)`).toBeCloseTo(1.1, 1);
    }
    expect(new Set(boxes.map((b) => b.textLeft)).size, `text starts: ${JSON.stringify(boxes)}`).toBe(1);
  });
});

test.describe("keyboard only", () => {
  test("on /signin, Tab reaches the email field and a Temporary Access Pass sign-in needs no pointer", async ({ page, user }) => {
    await page.goto("/signin");
    const email = page.getByLabel("Email");
    await expect(email).toBeEnabled();

    const visited = await tabTo(page, email);
    // The skip link comes first, then the email field: nothing focusable hides in between.
    expect(visited).toEqual(["a:Skip to content", expect.stringMatching(/^input:/)]);
    await expect(email).toBeFocused();

    await page.keyboard.type(user.email);
    await page.keyboard.press("Enter");
    // No passkey, no password: the pass comes next, with the cursor in it.
    const code = page.getByLabel("Temporary Access Pass");
    await expect(code).toBeFocused();
    await page.keyboard.type(user.tapCode);
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/security-info$/);
  });

  test("the dialog opens with Enter, keeps focus inside, and Escape returns focus to its opener", async ({ page, user }) => {
    await signInWithTap(page, user);
    const opener = page.getByRole("button", { name: "Add sign-in method" });
    await expect(opener).toBeEnabled();
    await page.reload();
    await expect(opener).toBeEnabled();

    await tabTo(page, opener);
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByRole("heading", { name: "Add a sign-in method" })).toBeVisible();
    await expect(dialog.locator(":focus")).toHaveCount(1);
    // A modal dialog: Tab cycles through its controls and never reaches the page behind it. (A
    // native modal dialog lets focus pass to the browser's own UI between rounds, which the page
    // sees as focus on <body>; that is the platform's behaviour, not a leak.)
    const stops: string[] = [];
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press("Tab");
      stops.push(
        await dialog.evaluate((el) => {
          const active = document.activeElement;
          if (!active || active === document.body) return "browser";
          return el.contains(active) ? "dialog" : `page:${active.outerHTML.slice(0, 80)}`;
        }),
      );
    }
    expect(stops.filter((s) => s.startsWith("page:"))).toEqual([]);
    expect(stops.filter((s) => s === "dialog").length).toBeGreaterThanOrEqual(6);

    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(opener).toBeFocused();
  });

  test("a passkey can be added with the keyboard alone, and focus follows each step", async ({ page, authenticator, user }) => {
    await signInWithTap(page, user);
    const opener = page.getByRole("button", { name: "Add sign-in method" });
    await expect(opener).toBeEnabled();
    await opener.focus();
    await page.keyboard.press("Enter");

    const dialog = page.getByRole("dialog");
    await expect(dialog.getByRole("heading", { name: "Add a sign-in method" })).toBeVisible();
    await tabTo(page, dialog.getByRole("button", { name: "Add" }));
    await page.keyboard.press("Enter");

    await expect(dialog.getByRole("heading", { name: "Where do you want to save your passkey?" })).toBeVisible();
    await expect(dialog.getByRole("radio", { name: /This device/ })).toBeFocused();
    await tabTo(page, dialog.getByRole("button", { name: "Next" }));
    await page.keyboard.press("Enter");

    const name = dialog.getByLabel("Passkey name");
    await expect(name).toBeFocused();
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.type("Keyboard key");
    await page.keyboard.press("Enter");
    await expect(dialog).toBeHidden();
    await expect(opener).toBeFocused();
    await expect(page.getByRole("listitem").filter({ hasText: "Keyboard key" })).toBeVisible();
    expect(await authenticator.credentials()).toHaveLength(1);
  });
});
