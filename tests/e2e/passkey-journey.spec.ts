import {
  addPasskey,
  ageSession,
  expect,
  finishNaming,
  ignoreAutofill,
  passkeysOf,
  signInWithTap,
  signOut,
  test,
  toBase64url,
} from "../fixtures/playwright";

test.describe("passkey journey", () => {
  test("signs in with a Temporary Access Pass, adds and names a passkey, and sees it listed", async ({ page, authenticator, user }) => {
    await page.goto("/security-info");
    // Unauthenticated: sent to sign-in, and brought back afterwards.
    await expect(page).toHaveURL(/\/signin\?returnTo=%2Fsecurity-info$/);
    await signInWithTap(page, user);
    await expect(page.getByRole("heading", { name: "Security info", level: 1 })).toBeVisible();
    await expect(page.getByText("You have no passkeys yet.")).toBeVisible();

    await page.getByRole("button", { name: "Add sign-in method" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Add" }).click();
    await expect(dialog.getByRole("heading", { name: "Where do you want to save your passkey?" })).toBeVisible();
    await dialog.getByRole("button", { name: "Next" }).click();
    await expect(dialog.getByRole("heading", { name: "Name your passkey" })).toBeVisible();
    // Prefilled with the provider's name (the virtual authenticator's AAGUID names none: "Passkey")
    // and the device where the user agent names one ("Passkey — Pixel 7").
    await expect(dialog.getByLabel("Passkey name")).toHaveValue(/^Passkey( — .+)?$/);
    await finishNaming(page, "  My work phone  ");

    const item = page.getByRole("listitem").filter({ hasText: "My work phone" });
    await expect(item).toBeVisible();
    await expect(item).toContainText("Added");
    await expect(item).toContainText("Never used");

    const [credential] = await authenticator.credentials();
    const rows = await passkeysOf(user.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.name).toBe("My work phone");
    expect(rows[0]!.credentialId).toBe(toBase64url(credential!.credentialId));
    expect(rows[0]!.userVerified).toBe(true);
    expect(rows[0]!.attestationFormat).toBe("packed");
  });

  test("signs out and back in username-first; the counter and last-used time are updated", async ({ page, authenticator, user }) => {
    await signInWithTap(page, user);
    await addPasskey(page, "Laptop");
    const before = (await passkeysOf(user.id))[0]!;
    expect(before.lastUsedAt).toBeNull();
    await ignoreAutofill(page);
    await signOut(page);

    await page.getByLabel("Email").fill(user.email);
    await page.getByRole("button", { name: "Next" }).click();
    await expect(page).toHaveURL(/\/security-info$/);
    await expect(page.getByRole("listitem").filter({ hasText: "Laptop" })).toContainText("Last used");

    const after = (await passkeysOf(user.id))[0]!;
    const [credential] = await authenticator.credentials();
    expect(Number(after.counter)).toBe(credential!.signCount);
    expect(Number(after.counter)).toBeGreaterThan(Number(before.counter));
    expect(after.lastUsedAt).not.toBeNull();
  });

  test("signs in usernameless with 'Sign in with a passkey'", async ({ page, authenticator, user }) => {
    await signInWithTap(page, user);
    await addPasskey(page);
    const allowAutofill = await ignoreAutofill(page);
    await signOut(page);
    expect(await authenticator.credentials()).toHaveLength(1);

    await allowAutofill();
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await expect(page).toHaveURL(/\/security-info$/);
    await expect(page.getByText(user.email)).toBeVisible();
  });

  test("signs in from the browser's passkey autofill", async ({ page, authenticator, user }) => {
    await signInWithTap(page, user);
    await addPasskey(page);
    expect(await authenticator.credentials()).toHaveLength(1);

    // Signing out lands on /signin, where the virtual authenticator picks its passkey from the
    // email field's suggestions at once, with no click.
    const signedIn = page.waitForResponse((r) => r.url().endsWith("/api/webauthn/authentication/verify") && r.ok());
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await signedIn;
    await expect(page).toHaveURL(/\/security-info$/);
    expect((await passkeysOf(user.id))[0]!.lastUsedAt).not.toBeNull();
  });

  test("asks a user whose sign-in is stale to verify again before adding a passkey", async ({ page, context, authenticator, user }) => {
    await signInWithTap(page, user);
    await ageSession(context, 11 * 60_000);
    await page.reload();

    await page.getByRole("button", { name: "Add sign-in method" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Add" }).click();
    await dialog.getByRole("button", { name: "Next" }).click();
    await expect(dialog.getByRole("heading", { name: "Verify your identity" })).toBeVisible();
    expect(await authenticator.credentials()).toHaveLength(0);

    await dialog.getByLabel("Temporary Access Pass").fill(user.tapCode);
    await dialog.getByRole("button", { name: "Verify" }).click();
    await finishNaming(page, "After step-up");
    await expect(page.getByRole("listitem").filter({ hasText: "After step-up" })).toBeVisible();
    expect(await passkeysOf(user.id)).toHaveLength(1);
  });

  test("a cancelled browser prompt stores nothing and can be tried again", async ({ page, authenticator, user }) => {
    await signInWithTap(page, user);
    // Failing user verification makes the browser reject the request, as a cancel does.
    await authenticator.setUserVerified(false);
    await page.getByRole("button", { name: "Add sign-in method" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Add" }).click();
    await dialog.getByRole("button", { name: "Next" }).click();
    await expect(dialog.getByRole("heading", { name: "Your passkey wasn't added" })).toBeVisible();
    await expect(dialog.getByRole("alert")).toHaveText(/prompt was closed, or the device didn't allow it/);
    expect(await passkeysOf(user.id)).toHaveLength(0);
    expect(await authenticator.credentials()).toHaveLength(0);

    await authenticator.setUserVerified(true);
    await dialog.getByRole("button", { name: "Try again" }).click();
    await dialog.getByRole("button", { name: "Next" }).click();
    await finishNaming(page);
    expect(await passkeysOf(user.id)).toHaveLength(1);
  });
});
