// An administrator reads the reports: charts with their names and table alternatives that count a
// passkey just added and a sign-in just made, the registration details filtered to one user, and
// the filtered CSV download.
import { readFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import { getDb } from "@/server/db";
import { makeAdministrator } from "../fixtures/admin-audit";
import { addPasskey, expect, signInWithTap, test } from "../fixtures/playwright";

/** Successful audit events of these types today (UTC), counted straight from the table. */
async function countToday(types: string[]): Promise<number> {
  const today = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00.000Z`);
  return getDb().auditEvent.count({ where: { type: { in: types }, outcome: "success", at: { gte: today } } });
}

/** The row for `label` in the table that a chart's "Show as table" opens. */
async function tableRow(page: Page, chart: string, label: string) {
  const figure = page.getByRole("figure", { name: chart });
  await figure.getByText("Show as table").click();
  return figure.getByRole("table").getByRole("row").filter({ has: page.getByRole("rowheader", { name: label, exact: true }) });
}

test("an administrator reads the charts and registration details, and downloads them as CSV", async ({ page, authenticator, user }) => {
  expect(authenticator.id).toBeTruthy();
  await signInWithTap(page, user);
  await addPasskey(page, "Report key");
  await makeAdministrator(user);

  await page.goto("/admin/reports");
  await expect(page.getByRole("heading", { level: 1, name: "Reports" })).toBeVisible();
  for (const name of ["Passkeys registered per day", "Sign-ins per day by method", "Passkeys by provider", "Synced and device-bound passkeys"]) {
    await expect(page.getByRole("img", { name })).toBeVisible();
  }
  const today = new Date().toISOString().slice(0, 10);
  const registered = await countToday(["passkey.registration"]);
  const tapSignIns = await countToday(["tap.signin"]);
  expect(registered).toBeGreaterThanOrEqual(1);
  await expect(await tableRow(page, "Passkeys registered per day", today)).toHaveText(`${today}${registered}`);
  const signIns = await tableRow(page, "Sign-ins per day by method", today);
  // Day, passkey, password and app, password only, pass, total.
  await expect(signIns.getByRole("cell").nth(3)).toHaveText(String(tapSignIns));
  const deviceBound = await getDb().passkey.count({ where: { deviceType: "singleDevice" } });
  await expect((await tableRow(page, "Synced and device-bound passkeys", "Device-bound")).getByRole("cell")).toHaveText(
    deviceBound.toLocaleString("en-US"),
  );
  const users = await getDb().user.count();
  await expect(page.getByRole("main").getByRole("link", { name: /^Users/ })).toContainText(users.toLocaleString("en-US"));

  // At 360 px the charts shrink with the page: no sideways scrolling.
  await page.setViewportSize({ width: 360, height: 740 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

  await page.getByRole("link", { name: "See registration details for each user" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Registration details" })).toBeVisible();
  await page.getByLabel("Email starts with").fill(user.email);
  await page.getByLabel("Method registered").selectOption("passkey");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/method=passkey/);
  await expect(page.getByRole("status")).toHaveText("1 matching user");
  const row = page.getByRole("row").filter({ hasText: user.email });
  await expect(row).toContainText("1 passkey");
  await expect(row.getByRole("cell").nth(1)).toContainText("Yes");
  await expect(row.getByRole("cell").nth(2)).toContainText("Yes");
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download CSV" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^registration-details-\d{4}-\d{2}-\d{2}\.csv$/);
  const lines = (await readFile((await download.path())!, "utf8")).trimEnd().split("\r\n");
  expect(lines[0]).toBe(
    "email,display_name,user_id,role,passkeys,passkeys_accepted_by_policy,password,authenticator_app,temporary_access_pass,passwordless_capable,mfa_capable,created_at,last_sign_in_at",
  );
  expect(lines).toHaveLength(2);
  expect(lines[1]).toMatch(new RegExp(`^${user.email.replace(/[.+]/g, "\\$&")},E2E User,${user.id},admin,1,1,no,no,usable,yes,yes,`));

  await page.getByLabel("MFA capable").selectOption("no");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page.getByText("No users match these filters.")).toBeVisible();
  await expect(page.getByRole("status")).toHaveText("0 matching users");
});
