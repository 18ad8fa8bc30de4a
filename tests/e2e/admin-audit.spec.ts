// An administrator reads the audit log: filters by a user and an activity, pages forward and
// back, and downloads the filtered rows as CSV.
import { readFile } from "node:fs/promises";
import { createTapUser, deleteTestUser, makeAdministrator, seedAuditEvents } from "../fixtures/admin-audit";
import { expect, submitTapSignIn, test } from "../fixtures/playwright";

test("an administrator filters the audit log, pages through it and downloads it", async ({ page, user }) => {
  const subject = await createTapUser("user", "audited");
  try {
    await makeAdministrator(user);
    await seedAuditEvents(subject, "passkey.renamed", 60);
    await seedAuditEvents(subject, "passkey.added", 3);

    // Straight to sign-in with the way back: the admin layout sends anonymous visitors to /admin.
    await page.goto(`/signin?returnTo=${encodeURIComponent("/admin/audit")}`);
    await submitTapSignIn(page, user);
    await expect(page).toHaveURL(/\/admin\/audit$/);
    await expect(page.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
    // The administrator's own sign-in is already there, in words (the code stays in the CSV).
    const table = page.getByRole("table");
    await expect(table.getByRole("row").filter({ hasText: "Signed in with a Temporary Access Pass" }).filter({ hasText: user.email }).first()).toBeVisible();
    await expect(table).not.toContainText("tap.signin");
    // The filter names activities the same way; its values stay the codes the URL and API use.
    await expect(page.getByLabel("Activity").locator('option[value="passkey.renamed"]')).toHaveText("Renamed a passkey");

    await page.getByLabel("User").fill(subject.email);
    await page.getByLabel("Activity").selectOption("passkey.renamed");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/type=passkey\.renamed/);
    const rows = table.locator("tbody tr");
    await expect(rows).toHaveCount(50);
    await expect(rows.first()).toContainText("n: 59");
    await expect(rows.last()).toContainText("n: 10");
    await expect(rows.filter({ hasNotText: "Renamed a passkey" })).toHaveCount(0);
    await expect(rows.filter({ hasNotText: subject.email })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Newer" })).toHaveCount(0);

    await page.getByRole("link", { name: "Next page" }).click();
    await expect(rows).toHaveCount(10);
    await expect(rows.first()).toContainText("n: 9");
    await expect(rows.last()).toContainText("n: 0");
    await expect(page.getByRole("link", { name: "Next page" })).toHaveCount(0);
    // The filters stay as chosen.
    await expect(page.getByLabel("User")).toHaveValue(subject.email);
    await expect(page.getByLabel("Activity")).toHaveValue("passkey.renamed");

    await page.getByRole("link", { name: "Newer" }).click();
    await expect(rows).toHaveCount(50);
    await expect(rows.first()).toContainText("n: 59");
    await expect(page.getByRole("link", { name: "Newer" })).toHaveCount(0);

    // At 1280 px every column fits: nothing scrolls sideways, the details column included.
    await page.setViewportSize({ width: 1280, height: 800 });
    const region = page.getByRole("region", { name: /Audit events/ });
    expect(await region.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
    // At 360 px each event is a card: no sideways scrolling anywhere, each value labelled.
    await page.setViewportSize({ width: 360, height: 740 });
    await expect(region).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await region.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
    await expect(rows.first().locator("td").first()).toHaveCSS("display", "block");

    const downloading = page.waitForEvent("download");
    await page.getByRole("link", { name: "Download CSV" }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^audit-log-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = (await readFile((await download.path())!, "utf8")).trimEnd().split("\r\n");
    expect(lines[0]).toBe("time,type,outcome,actor,actor_id,subject,subject_id,ip,details");
    const data = lines.slice(1);
    expect(data).toHaveLength(60);
    expect(data.every((line) => line.includes(`,passkey.renamed,success,,,${subject.email},${subject.id},198.51.100.20,`))).toBe(true);
    expect(data[0]).toContain('"{""n"":59}"');
    expect(data[59]).toContain('"{""n"":0}"');
  } finally {
    await deleteTestUser(subject);
  }
});
