// Temporary Access Pass codes: format, randomness, normalised hashing, constant-time comparison.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateTapCode, hashTapCode, normaliseTapCode, tapHashesMatch } from "@/server/tap/tap-code";

const ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const FORMAT = /^[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{4}(-[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{4}){3}$/;

describe("generateTapCode", () => {
  it("makes four dash-separated groups of four symbols from the unambiguous alphabet", () => {
    for (let i = 0; i < 200; i++) expect(generateTapCode()).toMatch(FORMAT);
  });

  it("never uses 0, O, 1, I or L", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) for (const ch of generateTapCode().replace(/-/g, "")) seen.add(ch);
    for (const ambiguous of ["0", "O", "1", "I", "L"]) expect(seen.has(ambiguous)).toBe(false);
    // Over 16,000 symbols every one of the 31 shows up.
    expect([...seen].sort().join("")).toBe([...ALPHABET].sort().join(""));
  });

  it("gives 1000 different codes in 1000 calls", () => {
    const codes = new Set(Array.from({ length: 1000 }, () => generateTapCode()));
    expect(codes.size).toBe(1000);
  });
});

describe("hashTapCode", () => {
  it("is the hex SHA-256 of the normalised code", () => {
    const code = generateTapCode();
    const expected = createHash("sha256").update(code.replace(/-/g, "")).digest("hex");
    expect(hashTapCode(code)).toBe(expected);
    expect(hashTapCode(code)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("ignores case, dashes and whitespace", () => {
    const hash = hashTapCode("K7QP-M2XW-9RTA-HV4C");
    for (const typed of ["k7qp-m2xw-9rta-hv4c", "K7QPM2XW9RTAHV4C", "K7QP M2XW 9RTA HV4C", " k7qp-M2XW 9rta\tHV4C\n", "K-7-Q-P-M2XW9RTAHV4C"]) {
      expect(hashTapCode(typed)).toBe(hash);
    }
    expect(normaliseTapCode(" k7qp-m2xw 9rta-hv4c ")).toBe("K7QPM2XW9RTAHV4C");
  });

  it("differs for different codes", () => {
    expect(hashTapCode("K7QP-M2XW-9RTA-HV4C")).not.toBe(hashTapCode("K7QP-M2XW-9RTA-HV4D"));
  });
});

describe("tapHashesMatch", () => {
  it("matches the code the hash was made from, however it is typed", () => {
    const code = generateTapCode();
    const stored = hashTapCode(code);
    expect(tapHashesMatch(stored, code)).toBe(true);
    expect(tapHashesMatch(stored, code.toLowerCase().replace(/-/g, " "))).toBe(true);
  });

  it("does not match another code", () => {
    const stored = hashTapCode(generateTapCode());
    expect(tapHashesMatch(stored, generateTapCode())).toBe(false);
    expect(tapHashesMatch(stored, "")).toBe(false);
  });

  it("returns false (without throwing) for a malformed stored hash", () => {
    const code = generateTapCode();
    expect(tapHashesMatch("", code)).toBe(false);
    expect(tapHashesMatch("zz", code)).toBe(false);
    expect(tapHashesMatch(hashTapCode(code).slice(0, 62), code)).toBe(false);
  });
});
