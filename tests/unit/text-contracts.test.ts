// Names and searches: hostile characters are a 400 (never a 500 from PostgreSQL, never a name that
// displays as something else), and the server and the inputs count length alike.
import { describe, expect, it } from "vitest";
import { AuditFilterQuery } from "@/contracts/admin-audit";
import { RegistrationFilterQuery, ReportRangeQuery } from "@/contracts/admin-reports";
import { DisplayName, ListUsersQuery } from "@/contracts/admin-users";
import { RenamePasskeyBody } from "@/contracts/passkeys";
import { PolicyUserSearchQuery } from "@/contracts/policy";
import { clampText, stripUnsafeText, textLength, truncateText } from "@/contracts/text";
import { checkPasskeyName } from "@/contracts/passkey-name";
import { PasskeyName, RegistrationVerifyBody } from "@/contracts/webauthn";

/** Control, separator, bidi and broken characters no name or search may carry. */
const HOSTILE = {
  NUL: "\u0000",
  "C0 escape": "\u001b",
  DEL: "\u007f",
  "C1 NEL": "\u0085",
  "C1 CSI": "\u009b",
  "right-to-left override": "\u202e",
  "left-to-right embedding": "\u202a",
  "left-to-right isolate": "\u2066",
  "pop directional isolate": "\u2069",
  "lone high surrogate": "\ud800",
  "lone low surrogate": "\udc00",
};

const emoji = "😀"; // outside the BMP: two UTF-16 units, one code point
const family = "👩‍👩‍👧"; // five code points, eight UTF-16 units

describe("passkey names", () => {
  for (const [what, char] of Object.entries(HOSTILE)) {
    it(`refuses a name with a ${what}, wherever it is`, () => {
      for (const name of [`a${char}b`, `${char}Laptop`, `Laptop${char}`]) {
        const result = RenamePasskeyBody.safeParse({ name });
        expect(result.success, JSON.stringify(name)).toBe(false);
        expect(result.error?.issues[0]?.message).toMatch(/control or text-direction|broken character/);
      }
    });
  }

  it('refuses the "abc\\u202Egnp.exe" trick at registration too', () => {
    expect(PasskeyName.safeParse("abc\u202egnp.exe").success).toBe(false);
    const response = { id: "AA", rawId: "AA", type: "public-key", clientExtensionResults: {}, response: { clientDataJSON: "AA", attestationObject: "AA" } };
    expect(RegistrationVerifyBody.safeParse({ response, name: "abc\u202egnp.exe" }).success).toBe(false);
    expect(RegistrationVerifyBody.safeParse({ response, name: "Laptop" }).success).toBe(true);
  });

  it("NFC-normalises, so e + combining acute is the same name as é", () => {
    expect(PasskeyName.parse(" Cafe\u0301 ")).toBe("Café");
    expect(PasskeyName.parse("Café")).toBe("Café");
  });

  it("counts code points after NFC: 64 emoji fit, 65 do not", () => {
    expect(PasskeyName.parse(emoji.repeat(64))).toBe(emoji.repeat(64));
    expect(PasskeyName.safeParse(emoji.repeat(65)).success).toBe(false);
    // 64 letters each followed by a combining accent: 128 code points typed, 64 after NFC.
    expect(PasskeyName.parse("e\u0301".repeat(64))).toBe("é".repeat(64));
    expect(PasskeyName.safeParse("x".repeat(65)).success).toBe(false);
  });

  it("trims surrounding whitespace, but refuses tabs and newlines inside", () => {
    expect(PasskeyName.parse("\t Laptop \n")).toBe("Laptop");
    expect(PasskeyName.safeParse("two\nlines").success).toBe(false);
    expect(PasskeyName.safeParse("tab\there").success).toBe(false);
    expect(PasskeyName.safeParse("line\u2028separator").success).toBe(false);
  });

  it("counts characters as people see them: a family emoji, a flag, a skin tone are one each", () => {
    expect(textLength(family)).toBe(1);
    expect(textLength("🇫🇷")).toBe(1);
    expect(textLength("👍🏽")).toBe(1);
    expect(PasskeyName.parse(family.repeat(64))).toBe(family.repeat(64));
    expect(PasskeyName.safeParse(family.repeat(65)).success).toBe(false);
  });

  it("cuts only between characters: never a joined emoji or a letter from its accent", () => {
    expect(truncateText(`ab${family}cd`, 3)).toBe(`ab${family}`);
    expect(truncateText(`ab${family}cd`, 2)).toBe("ab");
    expect(clampText(family.repeat(65), 64)).toBe(family.repeat(64));
    expect(truncateText("ne\u0301e", 2)).toBe("né");
  });

  it("refuses a name of few characters but endless combining marks (zalgo)", () => {
    const zalgo = `a${"\u0301\u0300\u0302".repeat(400)}`;
    expect(textLength(zalgo)).toBe(1);
    expect(PasskeyName.safeParse(zalgo).success).toBe(false);
    expect(checkPasskeyName(zalgo)).toEqual({ error: "Use at most 64 characters." });
    expect([...clampText(zalgo, 64)].length).toBeLessThanOrEqual(640);
  });

  it("still takes ordinary names in any script, and emoji sequences", () => {
    for (const name of ["Laptop", "Téléphone de Zoë", "ノートパソコン", "מחשב נייד", "حاسوب", family, "YubiKey 5 🔑"]) {
      expect(PasskeyName.parse(name)).toBe(name);
    }
  });
});

describe("display names", () => {
  it("follow the same rules, up to 128 code points", () => {
    expect(DisplayName.parse("  Zoë\u0301 Example ")).toBe("Zoë́ Example".normalize("NFC"));
    expect(DisplayName.safeParse("Ada\u0000").success).toBe(false);
    expect(DisplayName.safeParse("Ada\u202eecnavol").success).toBe(false);
    expect(DisplayName.safeParse(" ").success).toBe(false);
    expect(DisplayName.parse(emoji.repeat(128))).toBe(emoji.repeat(128));
    expect(DisplayName.safeParse(emoji.repeat(129)).success).toBe(false);
  });
});

describe("searches", () => {
  it("refuse control and bidi characters in every administrators' search (PostgreSQL cannot take NUL)", () => {
    for (const char of Object.values(HOSTILE)) {
      expect(ListUsersQuery.safeParse({ q: `ada${char}` }).success).toBe(false);
      expect(RegistrationFilterQuery.safeParse({ q: `ada${char}` }).success).toBe(false);
      expect(PolicyUserSearchQuery.safeParse({ email: `ada${char}` }).success).toBe(false);
      expect(AuditFilterQuery.safeParse({ user: `ada${char}@example.com` }).success).toBe(false);
    }
  });

  it("still take % and _ (matched literally by the server)", () => {
    expect(ListUsersQuery.parse({ q: "%" }).q).toBe("%");
    expect(PolicyUserSearchQuery.parse({ email: "a_b" }).email).toBe("a_b");
    expect(RegistrationFilterQuery.parse({ q: "%_" }).q).toBe("%_");
  });
});

describe("date filters", () => {
  it("refuse days PostgreSQL cannot hold (year 0, or a `to` day whose end is past 9999)", () => {
    expect(AuditFilterQuery.safeParse({ from: "0000-01-01" }).success).toBe(false);
    expect(AuditFilterQuery.safeParse({ to: "9999-12-31" }).success).toBe(false);
    expect(ReportRangeQuery.safeParse({ from: "0001-01-01", to: "0001-01-02" }).success).toBe(false);
    expect(AuditFilterQuery.safeParse({ from: "1970-01-01", to: "9999-12-30" }).success).toBe(true);
  });
});

describe("text helpers", () => {
  it("truncate by code points, never inside a surrogate pair", () => {
    expect(truncateText(emoji.repeat(3), 2)).toBe(emoji.repeat(2));
    expect(truncateText(`a${emoji}`, 1)).toBe("a");
    expect(textLength(emoji.repeat(3))).toBe(3);
    expect(textLength("e\u0301")).toBe(1);
  });

  it("clamp an input's value only once it is too long (what the inputs do instead of maxLength)", () => {
    // 40 emoji are 80 UTF-16 units: maxLength={64} would have cut the 33rd emoji in two.
    expect(clampText(emoji.repeat(40), 64)).toBe(emoji.repeat(40));
    expect(clampText(emoji.repeat(70), 64)).toBe(emoji.repeat(64));
    // Under the limit the value is left as typed, unnormalised (an input method may be composing).
    expect(clampText("e\u0301", 64)).toBe("e\u0301");
  });

  it("strip what a user agent may smuggle in", () => {
    expect(stripUnsafeText("Pixel\u202e 7\u0000\u0085\ud800")).toBe("Pixel 7");
  });
});

describe("the browser's passkey-name check", () => {
  // The inputs check names without zod (checkPasskeyName); they must agree with the API's schema.
  const names = [
    "",
    "   ",
    "\t\n",
    "Work laptop",
    "  padded  ",
    "e\u0301cole", // NFC turns e + combining accent into é
    "x".repeat(64),
    "x".repeat(65),
    `${emoji.repeat(64)}`,
    `${emoji.repeat(65)}`,
    family,
    ...Object.values(HOSTILE).map((c) => `Key ${c} name`),
    `${"x".repeat(70)}\u202e`,
  ];
  it.each(names.map((name) => [JSON.stringify(name), name]))("gives %s the server's verdict and message", (_, name) => {
    const parsed = PasskeyName.safeParse(name);
    const checked = checkPasskeyName(name);
    if (parsed.success) expect(checked).toEqual({ value: parsed.data });
    else expect(checked).toEqual({ error: parsed.error.issues[0]!.message });
  });
});
