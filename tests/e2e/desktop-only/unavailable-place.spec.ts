// A place to save the passkey that no attached authenticator can serve: the browser's prompt
// never answers, the dialog offers a way out after 10 seconds, and Cancel stores nothing. It waits
// those 10 seconds for real, so it runs on the desktop project only (the phone projects ignore
// tests/e2e/desktop-only/ in playwright.config.ts).
import {
  auditEventsOf,
  choosePlace,
  expect,
  finishNaming,
  openWhereStep,
  passkeysOf,
  signInWithTap,
  test,
  toBase64url,
} from "../../fixtures/playwright";

test("choosing a security key with only this device's authenticator: Still waiting? > Cancel says so and stores nothing; Try again with This device works", async ({ page, authenticator, user }, testInfo) => {
  await signInWithTap(page, user);
  await openWhereStep(page);
  const optionsResponse = page.waitForResponse((r) => r.url().endsWith("/api/webauthn/registration/options"));
  await choosePlace(page, "Security key");
  const options = await optionsResponse;
  expect(options.request().postDataJSON()).toEqual({ authenticatorType: "securityKey" });
  // A security key is cross-platform; the only authenticator here is the platform's own.
  expect((await options.json()).authenticatorSelection.authenticatorAttachment).toBe("cross-platform");

  const dialog = page.getByRole("dialog");
  const stillWaiting = dialog.getByText(/^Still waiting\?/);
  await expect(dialog.getByRole("heading", { name: "Creating your passkey" })).toBeVisible();
  await expect(stillWaiting).toBeHidden();
  // The dialog's own timer: 10 s without an answer.
  await expect(stillWaiting).toBeVisible({ timeout: 15_000 });
  await expect(stillWaiting).toHaveText(
    "Still waiting? If your browser shows nothing, the place you chose may not be available on this device.",
  );
  await page.setViewportSize({ width: 360, height: 740 });
  const path = `test-results/screens/${testInfo.project.name}/09-add-still-waiting.png`;
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach("09-add-still-waiting", { path, contentType: "image/png" });

  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog.getByRole("heading", { name: "Your passkey wasn't added" })).toBeVisible();
  await expect(dialog.getByRole("alert")).toHaveText("You cancelled adding the passkey. Nothing was saved.");
  expect(await authenticator.credentials()).toHaveLength(0);
  expect(await passkeysOf(user.id)).toHaveLength(0);
  expect(await auditEventsOf(user.id, "passkey.registration")).toHaveLength(0);

  // The way out leads somewhere: Try again > This device.
  await dialog.getByRole("button", { name: "Try again" }).click();
  await choosePlace(page, "This device");
  await finishNaming(page, "Laptop");
  const [credential] = await authenticator.credentials();
  const rows = await passkeysOf(user.id);
  expect(rows).toEqual([expect.objectContaining({ name: "Laptop", transports: ["internal"], credentialId: toBase64url(credential!.credentialId) })]);
  expect(await auditEventsOf(user.id, "passkey.registration")).toEqual([expect.objectContaining({ outcome: "success" })]);
});
