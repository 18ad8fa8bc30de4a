import { expect, test } from "../fixtures/playwright";

async function signInWithTapFrom(page: import("@playwright/test").Page, url: string, user: { email: string; tapCode: string }) {
  await page.goto(url);
  await page.getByRole("button", { name: "Use a Temporary Access Pass" }).click();
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Temporary Access Pass").fill(user.tapCode);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

test.describe("after sign-in, back to where the user came from, but only on this site", () => {
  test("returns to a same-origin path, keeping its query", async ({ page, user }) => {
    await signInWithTapFrom(page, "/signin?returnTo=%2Fsecurity-info%3Ffrom%3Dmail", user);
    await expect(page).toHaveURL(/\/security-info\?from=mail$/);
  });

  for (const target of ["https://evil.example/", "//evil.example", "/\\evil.example", "/.//evil.example", "javascript:alert(1)"]) {
    test(`refuses ${target} as a return target and lands on security info`, async ({ page, user }) => {
      const leaving: string[] = [];
      page.on("request", (r) => {
        if (!r.url().startsWith("http://localhost:3100")) leaving.push(r.url());
      });
      await signInWithTapFrom(page, `/signin?returnTo=${encodeURIComponent(target)}`, user);
      await expect(page).toHaveURL(/^http:\/\/localhost:3100\/security-info$/);
      expect(leaving).toEqual([]);
    });
  }
});
