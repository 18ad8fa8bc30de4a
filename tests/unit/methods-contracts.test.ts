// The contracts of the password, authenticator-app and default-method endpoints.
import { describe, expect, it } from "vitest";
import { ConfirmAuthenticatorAppBody, DefaultSignInMethodBody, OtherMethods, SetPasswordBody } from "@/contracts/methods";

describe("method contracts", () => {
  it("takes any string as a new password (the rules are the server's), up to a hard cap", () => {
    expect(SetPasswordBody.parse({ newPassword: "  spaces count  " })).toEqual({ newPassword: "  spaces count  " });
    expect(SetPasswordBody.parse({ newPassword: "" })).toEqual({ newPassword: "" });
    expect(SetPasswordBody.safeParse({ newPassword: 12345678 }).success).toBe(false);
    expect(SetPasswordBody.safeParse({}).success).toBe(false);
    expect(SetPasswordBody.safeParse({ newPassword: "x".repeat(1025) }).success).toBe(false);
  });

  it("trims a confirmation code and refuses anything longer than a spaced code", () => {
    expect(ConfirmAuthenticatorAppBody.parse({ code: " 123 456 " })).toEqual({ code: "123 456" });
    expect(ConfirmAuthenticatorAppBody.safeParse({ code: 123456 }).success).toBe(false);
    expect(ConfirmAuthenticatorAppBody.safeParse({ code: "1".repeat(17) }).success).toBe(false);
  });

  it("knows two default sign-in methods: passkey and password (+ authenticator app)", () => {
    expect(DefaultSignInMethodBody.parse({ method: "passkey" })).toEqual({ method: "passkey" });
    expect(DefaultSignInMethodBody.parse({ method: "password" })).toEqual({ method: "password" });
    for (const method of ["tap", "totp", "PASSKEY", null]) expect(DefaultSignInMethodBody.safeParse({ method }).success).toBe(false);
  });

  it("describes the other methods of the security-info page", () => {
    const none = { password: null, authenticatorApp: null, defaultSignInMethod: null };
    expect(OtherMethods.parse(none)).toEqual(none);
    const all = { password: { changedAt: "2026-11-25T10:00:00.000Z" }, authenticatorApp: { addedAt: "2026-11-25T10:00:00.000Z" }, defaultSignInMethod: "password" };
    expect(OtherMethods.parse(all)).toEqual(all);
  });
});
