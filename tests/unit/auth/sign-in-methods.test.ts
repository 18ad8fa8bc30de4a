// Which sign-in methods an account is offered, and which comes first.
import { describe, expect, it } from "vitest";
import { signInMethodsOf, type AccountSignInFacts } from "@/server/auth/sign-in-methods";

const PASSKEY = { credentialId: "AAECAwQFBgcICQoLDA0ODw", transports: ["internal"] };

function facts(overrides: Partial<AccountSignInFacts> = {}): AccountSignInFacts {
  return { passkeys: [], hasPassword: false, hasConfirmedApp: false, defaultSignInMethod: null, ...overrides };
}

describe("signInMethodsOf", () => {
  it("always lists a Temporary Access Pass, last", () => {
    expect(signInMethodsOf(facts())).toEqual({ methods: ["tap"], preferred: "tap" });
    expect(signInMethodsOf(facts({ passkeys: [PASSKEY], hasPassword: true, hasConfirmedApp: true })).methods).toEqual(["passkey", "password_totp", "tap"]);
  });

  it("calls a password without a confirmed app single-factor, and an app without a password nothing", () => {
    expect(signInMethodsOf(facts({ hasPassword: true })).methods).toEqual(["password", "tap"]);
    expect(signInMethodsOf(facts({ hasConfirmedApp: true })).methods).toEqual(["tap"]);
  });

  it("prefers passkey, then password and code, then password, then a pass", () => {
    expect(signInMethodsOf(facts({ passkeys: [PASSKEY], hasPassword: true, hasConfirmedApp: true })).preferred).toBe("passkey");
    expect(signInMethodsOf(facts({ hasPassword: true, hasConfirmedApp: true })).preferred).toBe("password_totp");
    expect(signInMethodsOf(facts({ hasPassword: true })).preferred).toBe("password");
  });

  it("puts the user's default first while they have it; 'password' means password and code", () => {
    const all = { passkeys: [PASSKEY], hasPassword: true, hasConfirmedApp: true };
    expect(signInMethodsOf(facts({ ...all, defaultSignInMethod: "password" })).preferred).toBe("password_totp");
    expect(signInMethodsOf(facts({ ...all, defaultSignInMethod: "passkey" })).preferred).toBe("passkey");
    // A single-factor password is never what "password" asks for.
    expect(signInMethodsOf(facts({ passkeys: [PASSKEY], hasPassword: true, defaultSignInMethod: "password" })).preferred).toBe("passkey");
    expect(signInMethodsOf(facts({ hasPassword: true, hasConfirmedApp: true, defaultSignInMethod: "passkey" })).preferred).toBe("password_totp");
  });
});
