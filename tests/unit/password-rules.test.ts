// The rules a new password must meet.
import { describe, expect, it } from "vitest";
import { isCommonPassword, passwordProblem } from "@/server/password/password-rules";

const EMAIL = "ada.lovelace@example.com";

describe("password rules", () => {
  it("accepts 8 characters or more that are not common and not the email", () => {
    expect(passwordProblem("plum tree under the bridge", EMAIL)).toBeNull();
    expect(passwordProblem("Zq8#mT2!", EMAIL)).toBeNull();
  });

  it("counts characters as code points after NFKC", () => {
    expect(passwordProblem("🍐🍋🍊🍎🍏🍒🍓🥝", EMAIL)).toBeNull();
    expect(passwordProblem("🍐🍋🍊🍎🍏🍒🍓", EMAIL)).toMatch(/at least 8/);
    // Decomposed é is two code points, composed by NFKC into one.
    expect(passwordProblem("cafe\u0301cafe\u0301", EMAIL)).toBeNull();
    expect(passwordProblem("cafe\u0301caf", EMAIL)).toMatch(/at least 8/);
    expect(passwordProblem("\ufb03\ufb03\ufb03", EMAIL)).toBeNull();
  });

  it("refuses more than 256 characters", () => {
    expect(passwordProblem("x".repeat(255) + "yz", EMAIL)).toMatch(/at most 256/);
    expect(passwordProblem("x".repeat(255) + "y", EMAIL)).toBeNull();
  });

  it("refuses the common-passwords list whatever the case", () => {
    for (const common of ["password", "Password", "QWERTYUI", "iloveyou", "trustno1", "1q2w3e4r"]) {
      expect(isCommonPassword(common)).toBe(true);
      if ([...common].length >= 8) expect(passwordProblem(common, EMAIL)).toMatch(/most common passwords/);
    }
    expect(isCommonPassword("plum tree under the bridge")).toBe(false);
  });

  it("ships all 10,000 entries of the list", async () => {
    const { readFileSync } = await import("node:fs");
    const lines = readFileSync("src/server/password/common-passwords.txt", "utf8").split("\n").filter(Boolean);
    expect(lines).toHaveLength(10_000);
    expect(lines.slice(0, 3)).toEqual(["password", "123456", "12345678"]);
    expect(isCommonPassword(lines[9_999]!)).toBe(true);
  });

  it("refuses the email or its local part, whatever the case", () => {
    expect(passwordProblem(EMAIL, EMAIL)).toMatch(/email address/);
    expect(passwordProblem("ADA.LOVELACE", EMAIL)).toMatch(/email address/);
    expect(passwordProblem("ada.lovelace!", EMAIL)).toBeNull();
  });
});
