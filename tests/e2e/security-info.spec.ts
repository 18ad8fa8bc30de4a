// The "My Security Info" portal end to end, on every device profile: adding a passkey to each kind
// of place, the ways adding can fail, badges, rename, delete (fresh, stale, last), the limit, last
// use, and the WebAuthn Signal API as the virtual authenticators see it. Every test checks what
// the page shows and what the database holds. Screenshots at 360 px go to
// test-results/screens/<project>/ (and are attached to the report).
import type { Page, TestInfo } from "@playwright/test";
import { getDb } from "@/server/db";
import { giveAuthenticatorApp } from "../fixtures/credentials";
import { E2E } from "../fixtures/e2e-env";
import {
  addPasskey,
  ageSession,
  auditEventsOf,
  choosePlace,
  expect,
  expireTap,
  finishNaming,
  ignoreAutofill,
  openWhereStep,
  passkeysOf,
  recordCredentialEvents,
  signInWithTap,
  signOut,
  storePasskey,
  test,
  toBase64url,
  type SavePlace,
} from "../fixtures/playwright";

/** The virtual authenticator's fixed AAGUID: it names no provider, so the list says "Passkey". */
const VIRTUAL_AAGUID = "01020304-0506-0708-0102-030405060708";
const DAY = 86_400_000;

const MESSAGES = {
  alreadyRegistered:
    "This device or security key already has a passkey for your account. Choose another place to save the new one.",
  notAllowed: "The passkey wasn't saved: the browser's prompt was closed, or the device didn't allow it. You can try again.",
  onlyPasskey: "This is your only passkey. After deleting it you will need another way to sign in.",
  lockout: "I understand I won't be able to sign in until my administrator gives me a Temporary Access Pass.",
  limit: "You already have 10 passkeys, the most allowed. Delete one to add another.",
};

/** What each device profile's user agent makes of a new passkey. */
const PROFILE: Record<string, { defaultName: string; createdWith: string; createdOn: [string, string, string | null] }> = {
  desktop: { defaultName: "Passkey", createdWith: "Created with Chrome on Windows", createdOn: ["Chrome", "Windows", null] },
  "pixel-7": {
    defaultName: "Passkey — Pixel 7",
    createdWith: "Created with Chrome on Android (Pixel 7)",
    createdOn: ["Chrome", "Android", "Pixel 7"],
  },
  "iphone-14": {
    defaultName: "Passkey — iPhone",
    createdWith: "Created with Safari on iOS (iPhone)",
    createdOn: ["Safari", "iOS", "iPhone"],
  },
};

function profileOf(testInfo: TestInfo) {
  const profile = PROFILE[testInfo.project.name];
  if (!profile) throw new Error(`no expectations for project ${testInfo.project.name}`);
  return profile;
}

const passkeyList = (page: Page) => page.getByRole("list", { name: "Your passkeys" });
const rowOf = (page: Page, passkeyId: string) => passkeyList(page).locator(`li[data-passkey-id="${passkeyId}"]`);
const countHeading = (page: Page, n: number) => page.getByRole("heading", { name: `Passkeys (${n} of 10)` });

/** A date as the page writes it, formatted by the browser's own Intl. */
function shownDate(page: Page, date: Date): Promise<string> {
  return page.evaluate(
    (iso) => new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(new Date(iso)),
    date.toISOString(),
  );
}

async function passkeyNamed(userId: string, name: string) {
  return getDb().passkey.findFirstOrThrow({ where: { userId, name } });
}

// ---------------------------------------------------------------------------------------------
// adding
// ---------------------------------------------------------------------------------------------

const PLACES: Array<{
  place: SavePlace;
  transport: "internal" | "hybrid" | "usb";
  authenticatorType: string;
  attachment: string;
  hints: string[];
  storedTransports: string[];
}> = [
  { place: "This device", transport: "internal", authenticatorType: "localDevice", attachment: "platform", hints: ["client-device"], storedTransports: ["internal"] },
  { place: "Another device", transport: "hybrid", authenticatorType: "remoteDevice", attachment: "cross-platform", hints: ["hybrid"], storedTransports: ["ble", "hybrid"] },
  { place: "Security key", transport: "usb", authenticatorType: "securityKey", attachment: "cross-platform", hints: ["security-key"], storedTransports: ["usb"] },
];

for (const c of PLACES) {
  test.describe(`saving to "${c.place}"`, () => {
    test.use({ authenticatorOptions: { transport: c.transport } });

    test(`adds a passkey on a ${c.transport} authenticator; it is stored with its transports and listed first, highlighted`, async ({ page, authenticator, user }, testInfo) => {
      const profile = profileOf(testInfo);
      const older = await storePasskey(user.id, { name: "Older key", createdAt: new Date(Date.now() - 3 * DAY) });
      await signInWithTap(page, user);
      await expect(countHeading(page, 1)).toBeVisible();

      await openWhereStep(page);
      const optionsResponse = page.waitForResponse((r) => r.url().endsWith("/api/webauthn/registration/options"));
      await choosePlace(page, c.place);
      const options = await optionsResponse;
      // The choice reaches the server and comes back as the attachment and hint the browser acts on.
      expect(options.request().postDataJSON()).toEqual({ authenticatorType: c.authenticatorType });
      const json = await options.json();
      expect(json.authenticatorSelection).toMatchObject({ authenticatorAttachment: c.attachment, residentKey: "required" });
      expect(json.hints).toEqual(c.hints);
      expect(json.excludeCredentials).toEqual([expect.objectContaining({ id: older.credentialId })]);

      const dialog = page.getByRole("dialog");
      await expect(dialog.getByRole("heading", { name: "Name your passkey" })).toBeVisible();
      await expect(dialog.getByLabel("Passkey name")).toHaveValue(profile.defaultName);
      const name = `My ${c.place.toLowerCase()}`;
      await finishNaming(page, name);

      // The database: one new row, bound to the authenticator's credential, with its transports.
      const [credential] = await authenticator.credentials();
      const rows = await passkeysOf(user.id);
      expect(rows).toHaveLength(2);
      const row = rows.find((r) => r.id !== older.id)!;
      expect(row).toMatchObject({
        name,
        credentialId: toBase64url(credential!.credentialId),
        transports: c.storedTransports,
        aaguid: VIRTUAL_AAGUID,
        deviceType: "singleDevice",
        backedUp: false,
        userVerified: true,
        lastUsedAt: null,
        createdBrowser: profile.createdOn[0],
        createdOs: profile.createdOn[1],
        createdDevice: profile.createdOn[2],
      });
      const [registered] = await auditEventsOf(user.id, "passkey.registration");
      expect(registered).toMatchObject({ outcome: "success", details: expect.objectContaining({ passkeyId: row.id, aaguid: VIRTUAL_AAGUID }) });

      // The page: newest first, the new one highlighted, with its provider, badge and origin.
      await expect(countHeading(page, 2)).toBeVisible();
      await expect(page.locator(".default-method")).toHaveText("Default sign-in method: Passkey");
      const items = passkeyList(page).getByRole("listitem");
      await expect(items).toHaveCount(2);
      const first = items.first();
      await expect(first).toHaveAttribute("data-passkey-id", row.id);
      await expect(first).toHaveClass(/\bis-new\b/);
      await expect(items.nth(1)).toHaveAttribute("data-passkey-id", older.id);
      await expect(items.nth(1)).not.toHaveClass(/\bis-new\b/);
      await expect(first.locator(".method-name")).toHaveText(name);
      await expect(first.locator(".method-provider")).toHaveText("Passkey");
      await expect(first.locator("img")).toHaveAttribute("src", /^data:image\//);
      await expect(first.locator(".badge")).toHaveText(["Device-bound"]);
      await expect(first.locator(".method-meta > span")).toHaveText([
        profile.createdWith,
        `Added ${await shownDate(page, row.createdAt)}`,
        "Never used",
      ]);
      await expect(first.getByRole("button", { name: `Rename ${name}`, exact: true })).toBeVisible();
      await expect(first.getByRole("button", { name: `Delete ${name}`, exact: true })).toBeVisible();
    });
  });
}

test.describe("when adding fails", () => {
  test("adding again on the same authenticator says it already has a passkey; Try again with a security key works", async ({ page, authenticator, addAuthenticator, user }) => {
    await signInWithTap(page, user);
    await addPasskey(page, "Laptop");
    expect(await authenticator.credentials()).toHaveLength(1);

    await openWhereStep(page);
    await choosePlace(page, "This device");
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByRole("heading", { name: "Your passkey wasn't added" })).toBeVisible();
    await expect(dialog.getByRole("alert")).toHaveText(MESSAGES.alreadyRegistered);
    expect(await authenticator.credentials()).toHaveLength(1);
    expect((await passkeysOf(user.id)).map((p) => p.name)).toEqual(["Laptop"]);

    const key = await addAuthenticator({ transport: "usb" });
    await dialog.getByRole("button", { name: "Try again" }).click();
    await expect(dialog.getByRole("heading", { name: "Where do you want to save your passkey?" })).toBeVisible();
    await choosePlace(page, "Security key");
    await finishNaming(page, "Blue key");

    const [keyCredential] = await key.credentials();
    const rows = await passkeysOf(user.id);
    expect(rows.map((p) => p.name)).toEqual(["Laptop", "Blue key"]);
    expect(rows[1]).toMatchObject({ credentialId: toBase64url(keyCredential!.credentialId), transports: ["usb"] });
    expect(await auditEventsOf(user.id, "passkey.registration")).toEqual([
      expect.objectContaining({ outcome: "success" }),
      expect.objectContaining({ outcome: "success" }),
    ]);
    await expect(passkeyList(page).getByRole("listitem").first()).toHaveAttribute("data-passkey-id", rows[1]!.id);
    await expect(passkeyList(page).getByRole("listitem").first()).toHaveClass(/\bis-new\b/);
    await expect(countHeading(page, 2)).toBeVisible();
  });

  test("a refused user verification says the device didn't allow it and stores nothing (from the empty state's button)", async ({ page, authenticator, user }) => {
    await signInWithTap(page, user);
    await expect(page.getByText("You have no passkeys yet.")).toBeVisible();
    await expect(page.locator(".default-method")).toHaveText("Default sign-in method: Temporary Access Pass");
    await authenticator.setUserVerified(false);

    // "Add a passkey" opens the dialog at the where-step.
    await page.getByRole("button", { name: "Add a passkey" }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByRole("heading", { name: "Where do you want to save your passkey?" })).toBeVisible();
    await choosePlace(page, "This device");
    await expect(dialog.getByRole("heading", { name: "Your passkey wasn't added" })).toBeVisible();
    await expect(dialog.getByRole("alert")).toHaveText(MESSAGES.notAllowed);
    await expect(dialog.getByRole("button", { name: "Try again" })).toBeFocused();

    expect(await authenticator.credentials()).toHaveLength(0);
    expect(await passkeysOf(user.id)).toHaveLength(0);
    expect(await auditEventsOf(user.id, "passkey.registration")).toHaveLength(0);

    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    await expect(countHeading(page, 0)).toBeVisible();
    await expect(page.getByText("You have no passkeys yet.")).toBeVisible();
  });
});

// ---------------------------------------------------------------------------------------------
// synced or device-bound
// ---------------------------------------------------------------------------------------------

const BADGES: Array<{ label: string; options: { defaultBackupEligibility?: boolean; defaultBackupState?: boolean }; badges: string[]; deviceType: string; backedUp: boolean }> = [
  { label: "a backed-up synced passkey", options: { defaultBackupEligibility: true, defaultBackupState: true }, badges: ["Synced", "Backed up"], deviceType: "multiDevice", backedUp: true },
  { label: "a synced passkey not backed up yet", options: { defaultBackupEligibility: true, defaultBackupState: false }, badges: ["Synced", "Not backed up yet"], deviceType: "multiDevice", backedUp: false },
  { label: "a device-bound passkey", options: {}, badges: ["Device-bound"], deviceType: "singleDevice", backedUp: false },
];

for (const b of BADGES) {
  test.describe(b.label, () => {
    test.use({ authenticatorOptions: b.options });

    test(`is badged ${b.badges.map((x) => `"${x}"`).join(" + ")}`, async ({ page, authenticator, user }) => {
      await signInWithTap(page, user);
      await addPasskey(page, "Phone");
      const [row] = await passkeysOf(user.id);
      expect(row).toMatchObject({ deviceType: b.deviceType, backedUp: b.backedUp });
      const [credential] = await authenticator.credentials();
      expect(toBase64url(credential!.credentialId)).toBe(row!.credentialId);
      await expect(rowOf(page, row!.id).locator(".badge")).toHaveText(b.badges);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// rename
// ---------------------------------------------------------------------------------------------

test.describe("rename", () => {
  test("renames a passkey in place: list, database and audit follow, and the authenticator hears currentUserDetails", async ({ page, authenticator, user }) => {
    await signInWithTap(page, user);
    await addPasskey(page, "Laptop");
    const laptop = await passkeyNamed(user.id, "Laptop");
    // Naming the new passkey in the dialog was its first rename (from the default name).
    const renamedBefore = (await auditEventsOf(user.id, "passkey.renamed")).length;
    const events = recordCredentialEvents(authenticator);

    await page.getByRole("button", { name: "Rename Laptop", exact: true }).click();
    const row = rowOf(page, laptop.id);
    const input = row.getByLabel("Passkey name");
    await expect(input).toBeFocused();
    await expect(input).toHaveValue("Laptop");
    await input.fill("  Work laptop ");
    const saved = page.waitForResponse((r) => r.url().endsWith(`/api/me/passkeys/${laptop.id}`) && r.request().method() === "PATCH");
    await row.getByRole("button", { name: "Save" }).click();
    expect((await saved).status()).toBe(200);

    await expect(row.locator(".method-name")).toHaveText("Work laptop");
    await expect(row.getByRole("textbox")).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Rename Work laptop", exact: true })).toBeFocused();
    // Answered visibly, not only to screen readers, and dismissable.
    const toast = page.getByRole("status").filter({ hasText: 'Passkey renamed to "Work laptop".' });
    await expect(toast).toBeVisible();
    await page.getByRole("button", { name: "Dismiss message" }).click();
    await expect(toast).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Dismiss message" })).toHaveCount(0);

    expect((await getDb().passkey.findUniqueOrThrow({ where: { id: laptop.id } })).name).toBe("Work laptop");
    const audits = (await auditEventsOf(user.id, "passkey.renamed")).slice(renamedBefore);
    expect(audits).toEqual([
      expect.objectContaining({ outcome: "success", actorId: user.id, details: { passkeyId: laptop.id, from: "Laptop", to: "Work laptop" } }),
    ]);

    // signalCurrentUserDetails reaches the authenticator that holds the credential. (It carries
    // the account's names, which a passkey rename leaves as they were.)
    await expect
      .poll(() => events.filter((e) => e.event === "credentialUpdated").map((e) => e.credentialId))
      .toEqual([laptop.credentialId]);
    const details = await authenticator.cdp.send("WebAuthn.getCredential", {
      authenticatorId: authenticator.id,
      credentialId: Buffer.from(laptop.credentialId, "base64url").toString("base64"),
    });
    expect(details.credential).toMatchObject({ userName: user.email, userDisplayName: "E2E User" });
  });

  test("counts a name's length as the server does: 64 emoji (or family emoji) fit, none is cut in two, a counter shows near the limit, and a bidi override is refused", async ({ page, authenticator, user }) => {
    void authenticator;
    await signInWithTap(page, user);
    await addPasskey(page, "Laptop");
    const laptop = await passkeyNamed(user.id, "Laptop");
    await page.getByRole("button", { name: "Rename Laptop", exact: true }).click();
    const row = rowOf(page, laptop.id);
    const input = row.getByLabel("Passkey name");
    // 70 emoji are 140 UTF-16 units: maxLength={64} kept 32 emoji, or half of one.
    await input.fill("😀".repeat(70));
    await expect(input).toHaveValue("😀".repeat(64));
    await expect(row.getByText("64 of 64 characters: the most a name can have")).toBeVisible();
    // A family emoji is five code points joined by zero-width joiners: one character, never cut.
    const family = "👩‍👩‍👧";
    await input.fill(family.repeat(70));
    await expect(input).toHaveValue(family.repeat(64));
    await input.fill(`${family.repeat(52)}`);
    const counter = row.getByText("52 of 64 characters");
    await expect(counter).toBeVisible();
    await expect(input).toHaveAttribute("aria-describedby", (await counter.getAttribute("id"))!);
    await input.fill("Short name");
    await expect(row.getByText(/of 64 characters/)).toHaveCount(0);
    await input.fill(family.repeat(64));
    const savedFamily = page.waitForResponse((r) => r.url().endsWith(`/api/me/passkeys/${laptop.id}`) && r.request().method() === "PATCH");
    await row.getByRole("button", { name: "Save" }).click();
    expect((await savedFamily).status()).toBe(200);
    expect((await getDb().passkey.findUniqueOrThrow({ where: { id: laptop.id } })).name).toBe(family.repeat(64));
    await page.getByRole("button", { name: /^Rename / }).click();
    await input.fill("abc\u202egnp.exe");
    await row.getByRole("button", { name: "Save" }).click();
    await expect(row.getByRole("alert")).toContainText("control or text-direction");
    await input.fill("😀".repeat(64));
    const saved = page.waitForResponse((r) => r.url().endsWith(`/api/me/passkeys/${laptop.id}`) && r.request().method() === "PATCH");
    await row.getByRole("button", { name: "Save" }).click();
    expect((await saved).status()).toBe(200);
    expect((await getDb().passkey.findUniqueOrThrow({ where: { id: laptop.id } })).name).toBe("😀".repeat(64));
  });

  test("refuses a name another passkey has (in any case), suggests one with (2), and changes nothing", async ({ page, authenticator, user }) => {
    const phone = await storePasskey(user.id, { name: "Phone", createdAt: new Date(Date.now() - DAY) });
    await signInWithTap(page, user);
    await addPasskey(page, "Laptop");
    const renamedBefore = (await auditEventsOf(user.id, "passkey.renamed")).length;
    const events = recordCredentialEvents(authenticator);

    await page.getByRole("button", { name: "Rename Phone", exact: true }).click();
    const row = rowOf(page, phone.id);
    await row.getByLabel("Passkey name").fill("LAPTOP");
    const refused = page.waitForResponse((r) => r.url().endsWith(`/api/me/passkeys/${phone.id}`) && r.request().method() === "PATCH");
    await row.getByRole("button", { name: "Save" }).click();
    const res = await refused;
    expect(res.status()).toBe(409);
    expect((await res.json()).error.code).toBe("PASSKEY_NAME_TAKEN");
    await expect(row.getByRole("alert")).toHaveText('You already have a passkey named "LAPTOP". Try "LAPTOP (2)".');
    await expect(row.getByLabel("Passkey name")).toHaveAttribute("aria-invalid", "true");
    await expect(row.getByLabel("Passkey name")).toHaveValue("LAPTOP");

    expect((await passkeysOf(user.id)).map((p) => p.name).sort()).toEqual(["Laptop", "Phone"]);
    expect(await auditEventsOf(user.id, "passkey.renamed")).toHaveLength(renamedBefore);

    // Escape leaves the form as it was before, and focus goes back to the row's Rename button.
    await row.getByLabel("Passkey name").press("Escape");
    await expect(row.getByRole("textbox")).toHaveCount(0);
    await expect(row.locator(".method-name")).toHaveText("Phone");
    await expect(page.getByRole("button", { name: "Rename Phone", exact: true })).toBeFocused();

    // A rename that succeeds afterwards signals once: the refused one signalled nothing before it.
    await page.getByRole("button", { name: "Rename Phone", exact: true }).click();
    await row.getByLabel("Passkey name").fill("Old phone");
    await row.getByRole("button", { name: "Save" }).click();
    await expect(row.locator(".method-name")).toHaveText("Old phone");
    await expect.poll(() => events.filter((e) => e.event === "credentialUpdated").length).toBeGreaterThan(0);
    expect(events.filter((e) => e.event === "credentialUpdated")).toHaveLength(1);
    expect((await passkeysOf(user.id)).map((p) => p.name).sort()).toEqual(["Laptop", "Old phone"]);
    expect(await auditEventsOf(user.id, "passkey.renamed")).toHaveLength(renamedBefore + 1);
  });

  // Guards a fixed bug: Save is disabled while the request runs, so the focused button dropped focus
  // to <body> and the refusal did not put it back; Escape was only handled on the input.
  test("after a refused rename sent with the Save button, focus is back in the name field and Escape still cancels", async ({ page, authenticator, user }) => {
    const phone = await storePasskey(user.id, { name: "Phone", createdAt: new Date(Date.now() - DAY) });
    await signInWithTap(page, user);
    await addPasskey(page, "Laptop");
    expect(await authenticator.credentials()).toHaveLength(1);
    const laptop = await passkeyNamed(user.id, "Laptop");
    const row = rowOf(page, laptop.id);

    await page.getByRole("button", { name: "Rename Laptop", exact: true }).click();
    await row.getByLabel("Passkey name").fill("Phone");
    await page.keyboard.press("Tab");
    await expect(row.getByRole("button", { name: "Save" })).toBeFocused();
    const refused = page.waitForResponse((r) => r.url().endsWith(`/api/me/passkeys/${laptop.id}`) && r.request().method() === "PATCH");
    await page.keyboard.press("Enter");
    expect((await refused).status()).toBe(409);
    await expect(row.getByRole("alert")).toHaveText('You already have a passkey named "Phone". Try "Phone (2)".');
    await expect(row.getByLabel("Passkey name"), `focus is on ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 80))}`).toBeFocused();

    await page.keyboard.press("Escape");
    await expect(row.getByRole("textbox")).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Rename Laptop", exact: true })).toBeFocused();
    expect((await passkeysOf(user.id)).map((p) => p.name).sort()).toEqual(["Laptop", phone.name]);
  });

  test("Escape cancels a rename without asking the server, and focus returns to Rename", async ({ page, authenticator, user }) => {
    await signInWithTap(page, user);
    await addPasskey(page, "Laptop");
    expect(await authenticator.credentials()).toHaveLength(1);
    const laptop = await passkeyNamed(user.id, "Laptop");
    const renamedBefore = (await auditEventsOf(user.id, "passkey.renamed")).length;
    const patches: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "PATCH") patches.push(r.url());
    });

    await page.getByRole("button", { name: "Rename Laptop", exact: true }).click();
    const row = rowOf(page, laptop.id);
    await row.getByLabel("Passkey name").fill("Something else");
    await page.keyboard.press("Escape");
    await expect(row.getByRole("textbox")).toHaveCount(0);
    await expect(row.locator(".method-name")).toHaveText("Laptop");
    await expect(page.getByRole("button", { name: "Rename Laptop", exact: true })).toBeFocused();

    // Opening it again starts from the saved name, not the abandoned draft.
    await page.getByRole("button", { name: "Rename Laptop", exact: true }).click();
    await expect(row.getByLabel("Passkey name")).toHaveValue("Laptop");
    await row.getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByRole("button", { name: "Rename Laptop", exact: true })).toBeFocused();

    expect(patches).toEqual([]);
    expect((await getDb().passkey.findUniqueOrThrow({ where: { id: laptop.id } })).name).toBe("Laptop");
    expect(await auditEventsOf(user.id, "passkey.renamed")).toHaveLength(renamedBefore);
  });
});

// ---------------------------------------------------------------------------------------------
// delete
// ---------------------------------------------------------------------------------------------

test.describe("delete", () => {
  test("with a fresh sign-in: the dialog names the passkey, Delete removes it everywhere and signals unknownCredential", async ({ page, authenticator, user }) => {
    const older = await storePasskey(user.id, { name: "Older key", createdAt: new Date(Date.now() - DAY) });
    await signInWithTap(page, user);
    await addPasskey(page, "Laptop");
    const laptop = await passkeyNamed(user.id, "Laptop");
    const events = recordCredentialEvents(authenticator);
    const dialog = page.getByRole("dialog");

    // Cancel first: nothing happens and focus goes back to the row's Delete button.
    await page.getByRole("button", { name: "Delete Laptop", exact: true }).click();
    await expect(dialog.getByRole("heading", { name: "Delete passkey “Laptop”?" })).toBeVisible();
    await expect(dialog.getByText(MESSAGES.onlyPasskey)).toHaveCount(0);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole("button", { name: "Delete Laptop", exact: true })).toBeFocused();
    expect(await passkeysOf(user.id)).toHaveLength(2);

    await page.getByRole("button", { name: "Delete Laptop", exact: true }).click();
    await expect(dialog.getByRole("heading", { name: "Delete passkey “Laptop”?" })).toBeVisible();
    const deleted = page.waitForResponse((r) => r.url().endsWith(`/api/me/passkeys/${laptop.id}`) && r.request().method() === "DELETE");
    await dialog.getByRole("button", { name: "Delete", exact: true }).click();
    expect((await deleted).status()).toBe(200);
    await expect(dialog).toBeHidden();

    await expect(rowOf(page, laptop.id)).toHaveCount(0);
    await expect(passkeyList(page).getByRole("listitem")).toHaveCount(1);
    await expect(countHeading(page, 1)).toBeFocused();
    expect((await passkeysOf(user.id)).map((p) => p.id)).toEqual([older.id]);
    expect(await auditEventsOf(user.id, "passkey.deleted")).toEqual([
      expect.objectContaining({
        outcome: "success",
        details: { passkeyId: laptop.id, name: "Laptop", credentialId: laptop.credentialId, remaining: 1, sessionsEnded: 0 },
      }),
    ]);

    // signalUnknownCredential: the browser removes the credential from the authenticator.
    await expect.poll(() => events.filter((e) => e.event === "credentialDeleted").map((e) => e.credentialId)).toEqual([laptop.credentialId]);
    expect(await authenticator.credentials()).toHaveLength(0);
  });

  test("with a stale sign-in: Verify your identity > Use a passkey, then the passkey is deleted", async ({ page, context, authenticator, user }) => {
    const older = await storePasskey(user.id, { name: "Older key", createdAt: new Date(Date.now() - DAY) });
    await signInWithTap(page, user);
    await addPasskey(page, "Laptop");
    const laptop = await passkeyNamed(user.id, "Laptop");
    await ageSession(context, 11 * 60_000);
    await page.reload();
    const events = recordCredentialEvents(authenticator);

    const dialog = page.getByRole("dialog");
    await page.getByRole("button", { name: "Delete Older key", exact: true }).click();
    await expect(dialog.getByRole("heading", { name: "Delete passkey “Older key”?" })).toBeVisible();
    const refused = page.waitForResponse((r) => r.url().endsWith(`/api/me/passkeys/${older.id}`) && r.request().method() === "DELETE");
    await dialog.getByRole("button", { name: "Delete", exact: true }).click();
    const refusal = await refused;
    expect(refusal.status()).toBe(401);
    expect((await refusal.json()).error.code).toBe("REAUTH_REQUIRED");
    await expect(dialog.getByRole("heading", { name: "Verify your identity" })).toBeVisible();
    expect(await passkeysOf(user.id)).toHaveLength(2);

    const deleted = page.waitForResponse(
      (r) => r.url().endsWith(`/api/me/passkeys/${older.id}`) && r.request().method() === "DELETE" && r.status() === 200,
    );
    await dialog.getByRole("button", { name: "Use a passkey" }).click();
    await deleted;
    await expect(dialog).toBeHidden();
    await expect(rowOf(page, older.id)).toHaveCount(0);
    await expect(rowOf(page, laptop.id)).toBeVisible();

    expect((await passkeysOf(user.id)).map((p) => p.id)).toEqual([laptop.id]);
    expect(await auditEventsOf(user.id, "passkey.deleted")).toEqual([
      expect.objectContaining({ outcome: "success", details: expect.objectContaining({ passkeyId: older.id, remaining: 1 }) }),
    ]);
    // The step-up was a real passkey sign-in with the Laptop passkey. (With two credentials allowed,
    // Chromium first probes the authenticator silently, which also counts as an assertion.)
    expect(new Set(events.filter((e) => e.event === "credentialAsserted").map((e) => e.credentialId))).toEqual(new Set([laptop.credentialId]));
    expect(await auditEventsOf(user.id, "passkey.authentication")).toEqual([
      expect.objectContaining({ outcome: "success", details: expect.objectContaining({ passkeyId: laptop.id }) }),
    ]);
    const after = await getDb().passkey.findUniqueOrThrow({ where: { id: laptop.id } });
    expect(after.lastUsedAt).not.toBeNull();
    const credentials = await authenticator.credentials();
    expect(credentials).toHaveLength(1);
    expect(Number(after.counter)).toBe(credentials[0]!.signCount);
  });

  test("the only passkey: the dialog warns, and with a usable Temporary Access Pass Delete needs nothing more", async ({ page, authenticator, user }) => {
    await signInWithTap(page, user);
    await addPasskey(page, "Laptop");
    const laptop = await passkeyNamed(user.id, "Laptop");

    await page.getByRole("button", { name: "Delete Laptop", exact: true }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByRole("note")).toHaveText(MESSAGES.onlyPasskey);
    await expect(dialog.getByRole("checkbox")).toHaveCount(0);
    const deleted = page.waitForResponse((r) => r.url().endsWith(`/api/me/passkeys/${laptop.id}`) && r.request().method() === "DELETE");
    await dialog.getByRole("button", { name: "Delete", exact: true }).click();
    const res = await deleted;
    expect(res.status()).toBe(200);
    expect(res.request().postDataJSON()).toEqual({});

    await expect(page.getByText("You have no passkeys yet.")).toBeVisible();
    await expect(page.locator(".default-method")).toHaveText("Default sign-in method: Temporary Access Pass");
    expect(await passkeysOf(user.id)).toHaveLength(0);
    expect(await auditEventsOf(user.id, "passkey.deleted")).toEqual([expect.objectContaining({ details: expect.objectContaining({ remaining: 0 }) })]);
    await expect.poll(async () => (await authenticator.credentials()).length).toBe(0);
  });

  test("the last way to sign in: the server demands the lockout checkbox, and Delete works only once it is ticked", async ({ page, authenticator, user }) => {
    await signInWithTap(page, user);
    await addPasskey(page, "Laptop");
    const laptop = await passkeyNamed(user.id, "Laptop");
    await expireTap(user.id);
    const events = recordCredentialEvents(authenticator);

    await page.getByRole("button", { name: "Delete Laptop", exact: true }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByRole("note")).toHaveText(MESSAGES.onlyPasskey);
    const refused = page.waitForResponse((r) => r.url().endsWith(`/api/me/passkeys/${laptop.id}`) && r.request().method() === "DELETE");
    await dialog.getByRole("button", { name: "Delete", exact: true }).click();
    const refusal = await refused;
    expect(refusal.status()).toBe(409);
    expect((await refusal.json()).error.code).toBe("LAST_SIGN_IN_METHOD");

    const checkbox = dialog.getByRole("checkbox", { name: MESSAGES.lockout });
    await expect(dialog.getByRole("alert")).toContainText("This is your last way to sign in.");
    await expect(checkbox).not.toBeChecked();
    await expect(dialog.getByRole("button", { name: "Delete", exact: true })).toBeDisabled();
    expect((await passkeysOf(user.id)).map((p) => p.id)).toEqual([laptop.id]);
    expect(await auditEventsOf(user.id, "passkey.deleted")).toHaveLength(0);

    await checkbox.check();
    const deleted = page.waitForResponse((r) => r.url().endsWith(`/api/me/passkeys/${laptop.id}`) && r.request().method() === "DELETE");
    await dialog.getByRole("button", { name: "Delete", exact: true }).click();
    const res = await deleted;
    expect(res.status()).toBe(200);
    expect(res.request().postDataJSON()).toEqual({ confirmNoSignInMethod: true });
    await expect(dialog).toBeHidden();
    await expect(page.getByText("You have no passkeys yet.")).toBeVisible();
    await expect(countHeading(page, 0)).toBeVisible();

    expect(await passkeysOf(user.id)).toHaveLength(0);
    expect(await auditEventsOf(user.id, "passkey.deleted")).toEqual([
      expect.objectContaining({ outcome: "success", details: expect.objectContaining({ passkeyId: laptop.id, remaining: 0 }) }),
    ]);
    await expect.poll(() => events.filter((e) => e.event === "credentialDeleted").map((e) => e.credentialId)).toEqual([laptop.credentialId]);
  });

  // Guards a fixed bug: the dialog moved focus only when its step *name* changed, and the refusal
  // keeps the step "confirm", so focus stayed on Delete, which is then disabled.
  test("when the server demands the lockout checkbox, focus moves to it (keyboard users are not stranded on a disabled button)", async ({ page, authenticator, user }) => {
    await signInWithTap(page, user);
    await addPasskey(page, "Laptop");
    expect(await authenticator.credentials()).toHaveLength(1);
    await expireTap(user.id);

    await page.getByRole("button", { name: "Delete Laptop", exact: true }).focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(dialog.getByRole("button", { name: "Delete", exact: true })).toBeFocused();
    const refused = page.waitForResponse((r) => r.url().includes("/api/me/passkeys/") && r.request().method() === "DELETE");
    await page.keyboard.press("Enter");
    expect((await refused).status()).toBe(409);
    const checkbox = dialog.getByRole("checkbox", { name: MESSAGES.lockout });
    await expect(checkbox).toBeVisible();
    await expect(checkbox, `focus is on ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 100))}`).toBeFocused();
    // With focus there, Space ticks it and Enter deletes: no pointer needed.
    await page.keyboard.press("Space");
    await expect(checkbox).toBeChecked();
    expect((await passkeysOf(user.id)).map((p) => p.name)).toEqual(["Laptop"]);
  });
});

// ---------------------------------------------------------------------------------------------
// limit, last use, signals at sign-in
// ---------------------------------------------------------------------------------------------

test("at 10 passkeys the Add dialog explains the limit and offers no Add; the server refuses an 11th", async ({ page, authenticator, user }) => {
  // With an authenticator app already, a passkey is the only method the dialog could offer.
  await giveAuthenticatorApp(user.id);
  for (let i = 1; i <= 9; i++) await storePasskey(user.id, { name: `Stored key ${i}`, createdAt: new Date(Date.now() - (10 - i) * DAY) });
  await signInWithTap(page, user);
  await expect(countHeading(page, 9)).toBeVisible();
  await addPasskey(page, "Tenth");
  expect(await authenticator.credentials()).toHaveLength(1);

  await expect(countHeading(page, 10)).toBeVisible();
  const items = passkeyList(page).getByRole("listitem");
  await expect(items).toHaveCount(10);
  await expect(items.first().locator(".method-name")).toHaveText("Tenth");
  await expect(items.first()).toHaveClass(/\bis-new\b/);
  expect(await passkeysOf(user.id)).toHaveLength(10);

  const dialog = page.getByRole("dialog");
  await page.getByRole("button", { name: "Add sign-in method" }).click();
  await expect(dialog.getByRole("heading", { name: "Add a sign-in method" })).toBeVisible();
  await expect(dialog.getByRole("status")).toHaveText(MESSAGES.limit);
  await expect(dialog.getByRole("button", { name: "Add", exact: true })).toHaveCount(0);
  await expect(dialog.getByRole("combobox")).toHaveCount(0);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();

  // Also after a reload (the server's count), and the API itself refuses.
  await page.reload();
  await expect(countHeading(page, 10)).toBeVisible();
  await page.getByRole("button", { name: "Add sign-in method" }).click();
  await expect(dialog.getByRole("status")).toHaveText(MESSAGES.limit);
  await page.keyboard.press("Escape");
  const res = await page.request.post("/api/webauthn/registration/options", { data: {}, headers: { origin: E2E.baseURL } });
  expect(res.status()).toBe(409);
  expect((await res.json()).error.code).toBe("PASSKEY_LIMIT_REACHED");
  expect(await passkeysOf(user.id)).toHaveLength(10);

  // Deleting one lifts it.
  await page.getByRole("button", { name: "Delete Stored key 1", exact: true }).click();
  await dialog.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(countHeading(page, 9)).toBeVisible();
  await page.getByRole("button", { name: "Add sign-in method" }).click();
  await expect(dialog.getByRole("button", { name: "Add", exact: true })).toBeVisible();
  expect(await passkeysOf(user.id)).toHaveLength(9);
});

test("after signing out and in with the passkey, its item shows when it was last used", async ({ page, authenticator, user }) => {
  await signInWithTap(page, user);
  await addPasskey(page, "Laptop");
  const laptop = await passkeyNamed(user.id, "Laptop");
  await expect(rowOf(page, laptop.id).locator(".method-meta")).toContainText("Never used");
  await ignoreAutofill(page);
  await signOut(page);

  await page.getByLabel("Email").fill(user.email);
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page).toHaveURL(/\/security-info$/);

  const after = await getDb().passkey.findUniqueOrThrow({ where: { id: laptop.id } });
  expect(after.lastUsedAt).not.toBeNull();
  expect(after.lastUsedUserAgent).toBe(await page.evaluate(() => navigator.userAgent));
  expect(Number(after.counter)).toBe((await authenticator.credentials())[0]!.signCount);
  // Recent: relative, with the exact date and time in the browser's locale on hover and focus.
  const lastUsed = rowOf(page, laptop.id).locator(".method-meta > span").last();
  await expect(lastUsed).toHaveText("Last used just now");
  const exact = await page.evaluate(
    (iso) => new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso)),
    after.lastUsedAt!.toISOString(),
  );
  const time = lastUsed.locator("time");
  await expect(time).toHaveAttribute("title", exact);
  await expect(time).toHaveAttribute("datetime", after.lastUsedAt!.toISOString());
  await time.focus();
  expect(await time.evaluate((el) => getComputedStyle(el, "::after").content)).toBe(`" (${exact})"`);
  await expect(rowOf(page, laptop.id)).not.toContainText("Never used");
  expect(await auditEventsOf(user.id, "passkey.authentication")).toEqual([expect.objectContaining({ outcome: "success" })]);
});

test("a passkey sign-in signals allAcceptedCredentials: a passkey removed on the server is removed from its authenticator", async ({ page, authenticator, addAuthenticator, user }) => {
  await signInWithTap(page, user);
  await addPasskey(page, "Laptop");
  const key = await addAuthenticator({ transport: "usb" });
  await addPasskey(page, "Blue key", "Security key");
  const [laptop, blueKey] = await Promise.all([passkeyNamed(user.id, "Laptop"), passkeyNamed(user.id, "Blue key")]);
  expect(toBase64url((await key.credentials())[0]!.credentialId)).toBe(blueKey.credentialId);
  const events = recordCredentialEvents(authenticator, key);

  // An administrator removes "Blue key"; the security key still holds the credential.
  await getDb().passkey.delete({ where: { id: blueKey.id } });
  await ignoreAutofill(page);
  await signOut(page);
  // The page leaves as soon as it is signed in: read the answer on its way to the page.
  let verifyAnswer!: (body: { status: number; json: unknown }) => void;
  const verified = new Promise<{ status: number; json: unknown }>((resolve) => (verifyAnswer = resolve));
  await page.route("**/api/webauthn/authentication/verify", async (route) => {
    const response = await route.fetch();
    const body = await response.body();
    verifyAnswer({ status: response.status(), json: JSON.parse(body.toString()) });
    await route.fulfill({ response, body });
  });
  await page.getByLabel("Email").fill(user.email);
  await page.getByRole("button", { name: "Next" }).click();
  const verify = await verified;
  expect(verify.status).toBe(200);
  expect(verify.json).toMatchObject({ signals: { rpId: "localhost", acceptedCredentialIds: [laptop.credentialId] } });
  await expect(page).toHaveURL(/\/security-info$/);

  await expect.poll(() => events.filter((e) => e.event === "credentialDeleted")).toEqual([
    { event: "credentialDeleted", authenticatorId: key.id, credentialId: blueKey.credentialId },
  ]);
  expect(await key.credentials()).toHaveLength(0);
  expect((await authenticator.credentials()).map((c) => toBase64url(c.credentialId))).toEqual([laptop.credentialId]);
  expect(events.filter((e) => e.event === "credentialAsserted").map((e) => e.credentialId)).toEqual([laptop.credentialId]);
  await expect(passkeyList(page).getByRole("listitem")).toHaveCount(1);
  await expect(rowOf(page, laptop.id)).toBeVisible();
  expect((await passkeysOf(user.id)).map((p) => p.id)).toEqual([laptop.id]);
});

// ---------------------------------------------------------------------------------------------
// screenshots at 360 px
// ---------------------------------------------------------------------------------------------

/** The whole page; with a dialog open, what the screen shows (a full-page shot misplaces the backdrop). */
async function screen(page: Page, testInfo: TestInfo, name: string) {
  const path = `test-results/screens/${testInfo.project.name}/${name}.png`;
  const dialogOpen = (await page.locator("dialog[open]").count()) > 0;
  await page.screenshot({ path, fullPage: !dialogOpen });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

/** Holds the next registration-options request until the returned function is called. */
async function holdRegistrationOptions(page: Page): Promise<() => Promise<void>> {
  const pattern = "**/api/webauthn/registration/options";
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let handled!: () => void;
  const done = new Promise<void>((resolve) => (handled = resolve));
  await page.route(
    pattern,
    async (route) => {
      await released;
      await route.continue();
      handled();
    },
    { times: 1 },
  );
  return async () => {
    release();
    await done;
  };
}

test.describe("screens at 360 px", () => {
  test.beforeEach(async ({ page }) => {
    await page.setViewportSize({ width: 360, height: 740 });
  });

  test("each step of adding a passkey", async ({ page, context, authenticator, user }, testInfo) => {
    await signInWithTap(page, user);
    await expect(page.getByRole("button", { name: "Add a passkey" })).toBeEnabled();
    await screen(page, testInfo, "01-security-info-empty");

    // A stale sign-in, so that the verify step comes up too.
    await ageSession(context, 11 * 60_000);
    await page.reload();
    const dialog = page.getByRole("dialog");
    await page.getByRole("button", { name: "Add sign-in method" }).click();
    await expect(dialog.getByRole("heading", { name: "Add a sign-in method" })).toBeVisible();
    await screen(page, testInfo, "02-add-choose");
    await dialog.getByRole("button", { name: "Add" }).click();
    await expect(dialog.getByRole("heading", { name: "Where do you want to save your passkey?" })).toBeVisible();
    await screen(page, testInfo, "03-add-where");
    await dialog.getByRole("button", { name: "Next" }).click();
    await expect(dialog.getByRole("heading", { name: "Verify your identity" })).toBeVisible();
    await expect(dialog.getByLabel("Temporary Access Pass")).toBeFocused();
    await screen(page, testInfo, "04-add-verify-tap");

    await dialog.getByLabel("Temporary Access Pass").fill(user.tapCode);
    const release = await holdRegistrationOptions(page);
    await dialog.getByRole("button", { name: "Verify" }).click();
    await expect(dialog.getByRole("heading", { name: "Creating your passkey" })).toBeVisible();
    await screen(page, testInfo, "05-add-creating");
    await release();

    await expect(dialog.getByRole("heading", { name: "Name your passkey" })).toBeVisible();
    await screen(page, testInfo, "06-add-name");
    await finishNaming(page, "Passkey on my phone");
    await expect(passkeyList(page).getByRole("listitem").first()).toBeVisible();
    await screen(page, testInfo, "07-security-info-added");

    await openWhereStep(page);
    await choosePlace(page, "This device");
    await expect(dialog.getByRole("heading", { name: "Your passkey wasn't added" })).toBeVisible();
    await screen(page, testInfo, "08-add-failed");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    expect(await passkeysOf(user.id)).toHaveLength(1);
    expect(await authenticator.credentials()).toHaveLength(1);
  });

  test("renaming and deleting", async ({ page, context, authenticator, user }, testInfo) => {
    const phone = await storePasskey(user.id, { name: "Phone", createdAt: new Date(Date.now() - DAY) });
    await signInWithTap(page, user);
    await addPasskey(page, "Laptop");
    const laptop = await passkeyNamed(user.id, "Laptop");
    const dialog = page.getByRole("dialog");

    await page.getByRole("button", { name: "Rename Laptop", exact: true }).click();
    await expect(rowOf(page, laptop.id).getByLabel("Passkey name")).toBeFocused();
    await screen(page, testInfo, "11-rename-form");
    await rowOf(page, laptop.id).getByLabel("Passkey name").fill("phone");
    await rowOf(page, laptop.id).getByRole("button", { name: "Save" }).click();
    await expect(rowOf(page, laptop.id).getByRole("alert")).toBeVisible();
    await screen(page, testInfo, "12-rename-clash");
    await rowOf(page, laptop.id).getByLabel("Passkey name").press("Escape");

    await page.getByRole("button", { name: "Delete Phone", exact: true }).click();
    await expect(dialog.getByRole("heading", { name: "Delete passkey “Phone”?" })).toBeVisible();
    await screen(page, testInfo, "13-delete-confirm");
    await ageSession(context, 11 * 60_000);
    await dialog.getByRole("button", { name: "Delete", exact: true }).click();
    await expect(dialog.getByRole("heading", { name: "Verify your identity" })).toBeVisible();
    await screen(page, testInfo, "14-delete-verify-passkey");
    await dialog.getByRole("button", { name: "Use a passkey" }).click();
    await expect(dialog).toBeHidden();
    await expect(rowOf(page, phone.id)).toHaveCount(0);

    await expireTap(user.id);
    await page.getByRole("button", { name: "Delete Laptop", exact: true }).click();
    await expect(dialog.getByRole("note")).toBeVisible();
    await screen(page, testInfo, "15-delete-only-passkey");
    await dialog.getByRole("button", { name: "Delete", exact: true }).click();
    await expect(dialog.getByRole("checkbox", { name: MESSAGES.lockout })).toBeVisible();
    await screen(page, testInfo, "16-delete-lockout-checkbox");
    await dialog.getByRole("checkbox").check();
    await dialog.getByRole("button", { name: "Delete", exact: true }).click();
    // The step-up signed in with Laptop, so deleting Laptop ended this session: back to sign-in.
    await expect(page).toHaveURL(/\/signin\?returnTo=%2Fsecurity-info$/);
    await screen(page, testInfo, "17-signed-out-with-its-passkey");
    expect(await passkeysOf(user.id)).toHaveLength(0);
    await expect.poll(async () => (await authenticator.credentials()).length).toBe(0);
  });

  test("the passkey limit", async ({ page, user }, testInfo) => {
    for (let i = 1; i <= 10; i++) await storePasskey(user.id, { name: `Stored key ${i}`, createdAt: new Date(Date.now() - i * DAY) });
    await signInWithTap(page, user);
    await expect(countHeading(page, 10)).toBeVisible();
    await screen(page, testInfo, "21-security-info-ten");
    await page.getByRole("button", { name: "Add sign-in method" }).click();
    await expect(page.getByRole("dialog").getByRole("status")).toBeVisible();
    await screen(page, testInfo, "22-add-limit");
    expect(await passkeysOf(user.id)).toHaveLength(10);
  });
});
