// TOTP (RFC 6238) as the app computes and checks codes.
import { Secret } from "otpauth";
import { describe, expect, it } from "vitest";
import { formatTotpSecret, matchTotpStep, newTotpSecret, totpCodeAt, totpStep, totpUri } from "@/server/authenticator-app/totp";

// RFC 6238 appendix B: the SHA-1 key is the ASCII string "12345678901234567890".
const RFC_SECRET = Buffer.from("12345678901234567890", "ascii");
const STEP_MS = 30_000;

describe("totp", () => {
  it("computes the RFC 6238 SHA-1 test vectors (last 6 digits)", () => {
    expect(totpCodeAt(RFC_SECRET, 59_000)).toBe("287082");
    expect(totpCodeAt(RFC_SECRET, 1_111_111_109_000)).toBe("081804");
    expect(totpCodeAt(RFC_SECRET, 1_111_111_111_000)).toBe("050471");
    expect(totpCodeAt(RFC_SECRET, 1_234_567_890_000)).toBe("005924");
  });

  it("numbers 30-second steps from the Unix epoch", () => {
    expect(totpStep(0)).toBe(0);
    expect(totpStep(29_999)).toBe(0);
    expect(totpStep(30_000)).toBe(1);
    expect(totpStep(59_000)).toBe(1);
  });

  it("accepts the current code and one step either side, and says which step it was", () => {
    const now = 1_111_111_109_000;
    const step = totpStep(now);
    expect(matchTotpStep(RFC_SECRET, "081804", now)).toBe(step);
    expect(matchTotpStep(RFC_SECRET, totpCodeAt(RFC_SECRET, now - STEP_MS), now)).toBe(step - 1);
    expect(matchTotpStep(RFC_SECRET, totpCodeAt(RFC_SECRET, now + STEP_MS), now)).toBe(step + 1);
  });

  it("refuses codes two steps away", () => {
    const now = 1_111_111_109_000;
    expect(matchTotpStep(RFC_SECRET, totpCodeAt(RFC_SECRET, now - 2 * STEP_MS), now)).toBeNull();
    expect(matchTotpStep(RFC_SECRET, totpCodeAt(RFC_SECRET, now + 2 * STEP_MS), now)).toBeNull();
  });

  it("allows spaces people type ('081 804') and refuses anything but six digits", () => {
    const now = 1_111_111_109_000;
    expect(matchTotpStep(RFC_SECRET, "081 804", now)).toBe(totpStep(now));
    for (const bad of ["", "81804", "0818040", "08180a", "+81804", "081804\u0661"]) {
      expect(matchTotpStep(RFC_SECRET, bad, now)).toBeNull();
    }
  });

  it("makes 160-bit random secrets", () => {
    const [a, b] = [newTotpSecret(), newTotpSecret()];
    expect(a).toHaveLength(20);
    expect(a.equals(b)).toBe(false);
  });

  it("formats the secret as base32 in groups of four that decode back to it", () => {
    const text = formatTotpSecret(RFC_SECRET);
    expect(text).toBe("GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
    expect(Buffer.from(Secret.fromBase32(text.replace(/ /g, "")).bytes)).toEqual(RFC_SECRET);
  });

  it("writes the otpauth URI with issuer, account, SHA-1, 6 digits and 30 s", () => {
    const uri = new URL(totpUri(RFC_SECRET, "ada@example.com", "Security Info"));
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.host).toBe("totp");
    expect(decodeURIComponent(uri.pathname)).toBe("/Security Info:ada@example.com");
    expect(Object.fromEntries(uri.searchParams)).toEqual({
      issuer: "Security Info",
      secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
      algorithm: "SHA1",
      digits: "6",
      period: "30",
    });
  });
});
