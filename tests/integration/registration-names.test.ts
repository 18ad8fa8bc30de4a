// What registration records about where a passkey was made, and the name it gets by default.
import { describe, expect, it } from "vitest";
import type { AuditContext } from "@/server/audit";
import { listUserPasskeys } from "@/server/methods/list-user-passkeys";
import type { UserProfile } from "@/server/users";
import { createRegistrationOptions } from "@/server/webauthn/create-registration-options";
import { verifyRegistration } from "@/server/webauthn/verify-registration";
import { makeUser, newBinding, signedIn, testCtx } from "../fixtures/factories";
import { SoftAuthenticator, ZERO_AAGUID } from "../fixtures/soft-authenticator";
import { passkeyRow, TEST_ORIGIN } from "./webauthn-helpers";

const GOOGLE_AAGUID = "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4";
const PIXEL_7_CHROME =
  "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36";
const IPHONE_SAFARI =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
const WINDOWS_CHROME =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
/** Chrome's reduced user agent: the model is always "K", which names no device. */
const REDUCED_ANDROID_CHROME =
  "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36";

/** Registers a passkey for `user` from a browser sending `userAgent`. */
async function registerFrom(
  user: UserProfile,
  userAgent: string | null,
  { aaguid = ZERO_AAGUID, name }: { aaguid?: string; name?: string } = {},
) {
  const ctx: AuditContext = { ip: testCtx.ip, userAgent };
  const session = signedIn(user);
  const binding = newBinding();
  const options = await createRegistrationOptions({ user: session, binding });
  const response = new SoftAuthenticator({ aaguid }).createCredential({ options, origin: TEST_ORIGIN });
  const summary = await verifyRegistration({ response, name, user: session, binding, ctx });
  return { summary, row: await passkeyRow(response.id) };
}

describe("registration: where the passkey was created", () => {
  it("records browser, system and device from a Pixel 7 running Chrome", async () => {
    const { summary, row } = await registerFrom(await makeUser(), PIXEL_7_CHROME);
    expect(row).toMatchObject({
      createdBrowser: "Chrome",
      createdOs: "Android",
      createdDevice: "Pixel 7",
      createdUserAgent: PIXEL_7_CHROME,
    });
    expect(summary.createdOn).toEqual({ browser: "Chrome", os: "Android", device: "Pixel 7" });
  });

  it("records browser, system and device from an iPhone running Safari", async () => {
    const { summary, row } = await registerFrom(await makeUser(), IPHONE_SAFARI);
    expect(row).toMatchObject({ createdBrowser: "Safari", createdOs: "iOS", createdDevice: "iPhone", createdUserAgent: IPHONE_SAFARI });
    expect(summary.createdOn).toEqual({ browser: "Safari", os: "iOS", device: "iPhone" });
    expect(summary.name).toBe("Passkey — iPhone");
  });

  it("records no device when the user agent names none", async () => {
    const desktop = await registerFrom(await makeUser(), WINDOWS_CHROME);
    expect(desktop.summary.createdOn).toEqual({ browser: "Chrome", os: "Windows", device: null });
    expect(desktop.summary.name).toBe("Passkey");

    const reduced = await registerFrom(await makeUser(), REDUCED_ANDROID_CHROME);
    expect(reduced.summary.createdOn).toEqual({ browser: "Chrome", os: "Android", device: null });
    expect(reduced.summary.name).toBe("Passkey");
  });

  it("records nothing when there is no user agent", async () => {
    const { summary, row } = await registerFrom(await makeUser(), null);
    expect(row).toMatchObject({ createdBrowser: null, createdOs: null, createdDevice: null, createdUserAgent: null });
    expect(summary.createdOn).toEqual({ browser: null, os: null, device: null });
    expect(summary.name).toBe("Passkey");
  });

  it("shows the same createdOn in the passkey list", async () => {
    const user = await makeUser();
    await registerFrom(user, PIXEL_7_CHROME);
    await registerFrom(user, IPHONE_SAFARI);
    expect((await listUserPasskeys(user.id)).map((p) => p.createdOn)).toEqual([
      { browser: "Safari", os: "iOS", device: "iPhone" },
      { browser: "Chrome", os: "Android", device: "Pixel 7" },
    ]);
  });
});

describe("registration: default names", () => {
  it("names a passkey of an unknown provider 'Passkey — Pixel 7'", async () => {
    const { summary, row } = await registerFrom(await makeUser(), PIXEL_7_CHROME);
    expect(row?.name).toBe("Passkey — Pixel 7");
    expect(summary).toMatchObject({ name: "Passkey — Pixel 7", provider: { name: "Passkey", known: false } });
  });

  it("names a Google Password Manager passkey 'Google Password Manager — Pixel 7'", async () => {
    const { summary, row } = await registerFrom(await makeUser(), PIXEL_7_CHROME, { aaguid: GOOGLE_AAGUID });
    expect(row?.name).toBe("Google Password Manager — Pixel 7");
    expect(summary).toMatchObject({
      name: "Google Password Manager — Pixel 7",
      aaguid: GOOGLE_AAGUID,
      provider: { name: "Google Password Manager", known: true },
    });
  });

  it("numbers a second and third passkey whose default name is taken: ' (2)', ' (3)'", async () => {
    const user = await makeUser();
    const names = [];
    for (let i = 0; i < 3; i++) names.push((await registerFrom(user, PIXEL_7_CHROME, { aaguid: GOOGLE_AAGUID })).summary.name);
    expect(names).toEqual([
      "Google Password Manager — Pixel 7",
      "Google Password Manager — Pixel 7 (2)",
      "Google Password Manager — Pixel 7 (3)",
    ]);
    expect((await listUserPasskeys(user.id)).map((p) => p.name)).toEqual([...names].reverse());
  });

  it("treats a taken name in another case as taken", async () => {
    const user = await makeUser();
    await registerFrom(user, null, { name: "passkey — pixel 7" });
    const { summary } = await registerFrom(user, PIXEL_7_CHROME);
    expect(summary.name).toBe("Passkey — Pixel 7 (2)");
  });

  it("numbers an explicit name that clashes with one of the user's passkeys, whatever its case", async () => {
    const user = await makeUser();
    await registerFrom(user, PIXEL_7_CHROME, { name: "Work phone" });
    const second = await registerFrom(user, PIXEL_7_CHROME, { name: "work phone" });
    const third = await registerFrom(user, PIXEL_7_CHROME, { name: "WORK PHONE" });
    expect(second.row?.name).toBe("work phone (2)");
    expect(third.row?.name).toBe("WORK PHONE (3)");
  });

  it("does not number a name only another user has", async () => {
    await registerFrom(await makeUser(), PIXEL_7_CHROME, { aaguid: GOOGLE_AAGUID });
    const { summary } = await registerFrom(await makeUser(), PIXEL_7_CHROME, { aaguid: GOOGLE_AAGUID });
    expect(summary.name).toBe("Google Password Manager — Pixel 7");
  });

  it("keeps a numbered name within 64 characters", async () => {
    const user = await makeUser();
    const long = "L".repeat(64);
    await registerFrom(user, null, { name: long });
    const { summary } = await registerFrom(user, null, { name: long });
    expect(summary.name).toBe(`${"L".repeat(60)} (2)`);
    expect(summary.name).toHaveLength(64);
  });
});

describe("registration: a forged user agent", () => {
  it("cannot smuggle control or bidi characters into the default name or the recorded device", async () => {
    // What a header with bytes 0xE2 0x80 0xAE (U+202E in UTF-8) and 0x85 reads as in Node (Latin-1),
    // and a model carrying the override itself.
    const forged = "Mozilla/5.0 (Linux; Android 14; abc\u202egnp.exe\u0085\u00e2\u0080\u00ae) AppleWebKit/537.36 Chrome/124.0.0.0 Mobile Safari/537.36";
    const { summary, row } = await registerFrom(await makeUser(), forged);
    expect(row!.createdDevice).toBe("abcgnp.exeâ®");
    expect(summary.name).toBe("Passkey — abcgnp.exeâ®");
    expect(summary.name).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });
});
