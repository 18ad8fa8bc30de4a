import { describe, expect, it } from "vitest";
import { defaultPasskeyName, nameKey, uniquePasskeyName } from "@/server/methods/passkey-names";
import { parseCreatedOn } from "@/server/methods/user-agent";

describe("passkey names", () => {
  it("compares names without regard to case or surrounding space", () => {
    expect(nameKey("  Laptop ")).toBe(nameKey("laptop"));
  });

  it("keeps a name nobody uses", () => {
    expect(uniquePasskeyName("Laptop", ["Phone"])).toBe("Laptop");
  });

  it("suggests the first free '(n)' on a clash, whatever the case", () => {
    expect(uniquePasskeyName("Laptop", ["laptop"])).toBe("Laptop (2)");
    expect(uniquePasskeyName("Laptop", ["Laptop", "Laptop (2)", "LAPTOP (3)"])).toBe("Laptop (4)");
  });

  it("stays within 64 characters when it adds a suffix", () => {
    const long = "x".repeat(64);
    const name = uniquePasskeyName(long, [long]);
    expect(name).toHaveLength(64);
    expect(name.endsWith(" (2)")).toBe(true);
  });

  it("names a new passkey after its provider and the device where known", () => {
    expect(defaultPasskeyName("Apple Passwords", "iPhone")).toBe("Apple Passwords — iPhone");
    expect(defaultPasskeyName("Windows Hello", null)).toBe("Windows Hello");
  });
});

describe("where a passkey was created", () => {
  it("reads browser, OS and device model from a phone's user agent", () => {
    const ua =
      "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
    expect(parseCreatedOn(ua)).toEqual({ browser: "Chrome", os: "Android", device: "Pixel 7" });
  });

  it("reads an iPhone", () => {
    const ua =
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    expect(parseCreatedOn(ua)).toEqual({ browser: "Safari", os: "iOS", device: "iPhone" });
  });

  it("names no device for a desktop browser", () => {
    const ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    expect(parseCreatedOn(ua)).toEqual({ browser: "Chrome", os: "Windows", device: null });
  });

  it("copes with a missing or meaningless user agent", () => {
    expect(parseCreatedOn(null)).toEqual({ browser: null, os: null, device: null });
    expect(parseCreatedOn("x".repeat(10_000)).device).toBeNull();
  });
});

describe("passkey names from untrusted parts", () => {
  it("never cuts an emoji in two when it shortens a name to add a suffix", () => {
    const long = "😀".repeat(64);
    const name = uniquePasskeyName(long, [long]);
    expect([...name]).toHaveLength(64);
    expect(name).toBe(`${"😀".repeat(60)} (2)`);
  });

  it("never cuts a joined emoji (a family, a flag) when it adds a suffix", () => {
    const family = "👩‍👩‍👧";
    const long = family.repeat(64);
    expect(uniquePasskeyName(long, [long])).toBe(`${family.repeat(60)} (2)`);
    const flags = "🇫🇷".repeat(64);
    expect(uniquePasskeyName(flags, [flags])).toBe(`${"🇫🇷".repeat(60)} (2)`);
  });

  it("treats a decomposed name as the same name as its composed form", () => {
    expect(uniquePasskeyName("Cafe\u0301", ["Café"])).toBe("Café (2)");
  });

  it("keeps control and bidi characters of a user agent out of the default name", () => {
    // Node reads header bytes 0x80-0x9F as C1 controls; a forged model can carry anything else.
    const ua = "Mozilla/5.0 (Linux; Android 14; Pixel\u202e 7\u0085\u2066x) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36";
    const createdOn = parseCreatedOn(ua);
    expect(createdOn.device).toBe("Pixel 7x");
    expect(defaultPasskeyName("Google Password Manager", "abc\u202egnp.exe\u0000")).toBe("Google Password Manager — abcgnp.exe");
  });
});
