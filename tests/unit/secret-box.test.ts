// Sealed secrets: AES-256-GCM bound to their owner and to the app's data key.
import { describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/server/config";
import { openSecret, sealSecret } from "@/server/authenticator-app/secret-box";
import { useConfigEnv } from "../fixtures/config-env";

const ENV = {
  DATABASE_URL: "postgresql://localhost/unused",
  SESSION_SECRET: "unit-tests-session-secret-0123456789abcdef",
  DATA_ENCRYPTION_KEY: "unit-tests-data-key-0123456789abcdefghijkl",
};
useConfigEnv(ENV);

const OWNER = "0b9f8d5e-2c43-4a8b-9a57-3a1f0c6e2d11";
const secret = Buffer.from("12345678901234567890", "ascii");

describe("secret box", () => {
  it("opens what it sealed, for the same owner; the sealed bytes do not contain the secret", () => {
    const sealed = sealSecret(secret, OWNER);
    expect(sealed[0]).toBe(1);
    expect(sealed).toHaveLength(1 + 12 + 16 + secret.length);
    expect(sealed.includes(secret)).toBe(false);
    expect(openSecret(sealed, OWNER)).toEqual(secret);
  });

  it("uses a new IV each time: the same secret seals differently twice", () => {
    expect(sealSecret(secret, OWNER).equals(sealSecret(secret, OWNER))).toBe(false);
  });

  it("refuses to open a sealed secret whose bytes were changed (ciphertext, tag, IV or version)", () => {
    const sealed = sealSecret(secret, OWNER);
    for (const index of [0, 5, 20, sealed.length - 1]) {
      const tampered = Buffer.from(sealed);
      tampered[index]! ^= 0x01;
      expect(() => openSecret(tampered, OWNER)).toThrow();
    }
    expect(() => openSecret(sealed.subarray(0, 29), OWNER)).toThrow();
  });

  it("refuses to open another owner's sealed secret (copied onto another row)", () => {
    const sealed = sealSecret(secret, OWNER);
    expect(() => openSecret(sealed, "7d5b0a9e-6f1c-4e22-8d1a-5b3c2e4f6a70")).toThrow();
  });

  it("refuses to open after the data key changed", () => {
    const sealed = sealSecret(secret, OWNER);
    process.env.DATA_ENCRYPTION_KEY = "another-data-key-0123456789abcdefghijklmn";
    resetConfigForTests();
    expect(() => openSecret(sealed, OWNER)).toThrow();
  });

  it("falls back to a key derived from SESSION_SECRET without DATA_ENCRYPTION_KEY, which rotating it changes", () => {
    delete process.env.DATA_ENCRYPTION_KEY;
    resetConfigForTests();
    const sealed = sealSecret(secret, OWNER);
    expect(openSecret(sealed, OWNER)).toEqual(secret);
    process.env.SESSION_SECRET = "rotated-session-secret-0123456789abcdefgh";
    resetConfigForTests();
    expect(() => openSecret(sealed, OWNER)).toThrow();
  });
});
