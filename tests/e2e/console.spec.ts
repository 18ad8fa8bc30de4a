// Every page, in the state a person first sees it, leaves the browser console clean: no warning, no
// error, no uncaught exception. Headers the browser does not understand (a Permissions-Policy
// feature it does not know), hydration mismatches, React's development-only advice and failed
// requests all show up there first.
import type { Page } from "@playwright/test";
import { makeAdministrator } from "../fixtures/admin-audit";
import { storePasskey as storeAdminViewPasskey } from "../fixtures/admin-users";
import { expect, signInWithTap, storePasskey, test } from "../fixtures/playwright";

/**
 * Records every console warning and error, and every uncaught exception, of the page from now on,
 * except while `aside` runs: the sign-in fixture refuses the passkey autofill request on purpose
 * (so the browser reports a failed request), and that is the test's doing, not the page's.
 */
function consoleOf(page: Page): { messages: string[]; aside: (steps: () => Promise<void>) => Promise<void> } {
  const messages: string[] = [];
  let recording = true;
  page.on("console", (message) => {
    if (recording && (message.type() === "warning" || message.type() === "error")) {
      messages.push(`${new URL(page.url()).pathname}: [${message.type()}] ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => messages.push(`${new URL(page.url()).pathname}: [uncaught] ${error.message}`));
  const aside = async (steps: () => Promise<void>) => {
    recording = false;
    try {
      await steps();
    } finally {
      recording = true;
    }
  };
  return { messages, aside };
}

/** Opens the page and waits until it is hydrated and its requests have settled. */
async function visit(page: Page, path: string, heading: RegExp | string): Promise<void> {
  await page.goto(path);
  await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
  await page.waitForLoadState("networkidle");
}

test("the sign-in and security-info pages log nothing to the console", async ({ page, user }) => {
  const { messages, aside } = consoleOf(page);
  await visit(page, "/signin", /sign in/i);
  await aside(() => signInWithTap(page, user));
  await storePasskey(user.id, { name: "Console check" });
  await visit(page, "/security-info", "Security info");
  await expect(page.getByText("Console check")).toBeVisible();
  expect(messages).toEqual([]);
});

test("every administrators' page logs nothing to the console", { tag: "@admin" }, async ({ page, user }) => {
  const { messages, aside } = consoleOf(page);
  await makeAdministrator(user);
  await storeAdminViewPasskey(user.id);
  await aside(() => signInWithTap(page, user, "/admin/users"));
  for (const [path, heading] of [
    ["/admin", "Users"],
    ["/admin/users", "Users"],
    [`/admin/users/${user.id}`, /./],
    ["/admin/policy", /passkey/i],
    ["/admin/reports", /reports/i],
    ["/admin/reports/registrations", /registration/i],
    ["/admin/audit", /audit/i],
  ] as const) {
    await visit(page, path, heading);
  }
  expect(messages).toEqual([]);
});
