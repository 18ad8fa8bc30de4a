import { E2E } from "../fixtures/e2e-env";
import { expect, test, type TestUser } from "../fixtures/playwright";

/** Email > Next > Temporary Access Pass > Sign in, from a sign-in page with a return target. */
async function signInWithTapFrom(page: import("@playwright/test").Page, url: string, user: TestUser) {
  await page.goto(url);
  await page.getByLabel("Email").fill(user.email);
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByLabel("Temporary Access Pass").fill(user.tapCode);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

test.describe("after sign-in, back to where the user came from, but only on this site", () => {
  test("returns to a same-origin path, keeping its query, by way of the after-sign-in stop", async ({ page, user }) => {
    const stops: string[] = [];
    page.on("request", (r) => {
      if (r.isNavigationRequest()) stops.push(new URL(r.url()).pathname);
    });
    await signInWithTapFrom(page, "/signin?returnTo=%2Fsecurity-info%3Ffrom%3Dmail", user);
    await expect(page).toHaveURL(/\/security-info\?from=mail$/);
    expect(stops).toContain("/signin/continue");
  });

  for (const target of ["https://evil.example/", "//evil.example", "/\\evil.example", "/.//evil.example", "javascript:alert(1)"]) {
    test(`refuses ${target} as a return target and lands on security info`, async ({ page, user }) => {
      const leaving: string[] = [];
      page.on("request", (r) => {
        if (!r.url().startsWith(E2E.baseURL)) leaving.push(r.url());
      });
      await signInWithTapFrom(page, `/signin?returnTo=${encodeURIComponent(target)}`, user);
      await expect(page).toHaveURL(new RegExp(`^${E2E.baseURL}/security-info$`));
      expect(leaving).toEqual([]);
    });
  }
});
