// The way into the administration pages and around them: an administrator finds a link on their
// own Security info (a user does not), and the administration navigation marks the page they are on.
import { makeAdministrator } from "../fixtures/admin-audit";
import { expect, signInWithTap, test } from "../fixtures/playwright";

test("an administrator reaches the admin pages from Security info, and the navigation marks the current page", async ({ page, user }) => {
  await makeAdministrator(user);
  await signInWithTap(page, user);
  await page.getByRole("link", { name: "Administration" }).click();
  await expect(page).toHaveURL(/\/admin\/users$/);

  const nav = page.getByRole("navigation", { name: "Administration" });
  const current = nav.locator('[aria-current="page"]');
  await expect(current).toHaveText("Users");
  for (const [name, path] of [
    ["Passkey policy", "/admin/policy"],
    ["Reports", "/admin/reports"],
    ["Audit log", "/admin/audit"],
  ] as const) {
    await nav.getByRole("link", { name }).click();
    await expect(page).toHaveURL(new RegExp(`${path}$`));
    await expect(current).toHaveText(name);
    await expect(current).toHaveCount(1);
  }
  // A page below one of them keeps its section marked.
  await page.goto("/admin/reports/registrations");
  await expect(current).toHaveText("Reports");
  await page.goto(`/admin/users/${user.id}`);
  await expect(current).toHaveText("Users");

  await nav.getByRole("link", { name: "My security info" }).click();
  await expect(page).toHaveURL(/\/security-info$/);
});

test("a user who is not an administrator sees no link to the admin pages", async ({ page, user }) => {
  await signInWithTap(page, user);
  await expect(page.getByRole("heading", { level: 1, name: "Security info" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Administration" })).toHaveCount(0);
});
