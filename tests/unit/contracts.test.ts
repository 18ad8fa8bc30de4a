// The zod contracts at the API boundary: what they accept, refuse and normalise.
import { describe, expect, it } from "vitest";
import { IdentifyBody, PasswordSignInBody, TapSignInBody } from "@/contracts/auth";
import { DeletePasskeyBody, PasskeyIdParam, RenamePasskeyBody } from "@/contracts/passkeys";
import {
  AuthenticationOptionsBody,
  AuthenticationResponse,
  AuthenticationVerifyBody,
  Email,
  PasskeyName,
  RegistrationOptionsBody,
  RegistrationResponse,
  RegistrationVerifyBody,
} from "@/contracts/webauthn";

const b64u = (text: string) => Buffer.from(text).toString("base64url");

function registrationResponse() {
  return {
    id: "AAECAwQFBgcICQoLDA0ODw",
    rawId: "AAECAwQFBgcICQoLDA0ODw",
    type: "public-key" as const,
    authenticatorAttachment: "platform" as const,
    clientExtensionResults: { credProps: { rk: true } },
    response: {
      clientDataJSON: b64u('{"type":"webauthn.create"}'),
      attestationObject: b64u("attestation"),
      authenticatorData: b64u("authdata"),
      transports: ["internal", "hybrid"],
      publicKeyAlgorithm: -7,
      publicKey: b64u("spki"),
    },
  };
}

function authenticationResponse() {
  return {
    id: "AAECAwQFBgcICQoLDA0ODw",
    rawId: "AAECAwQFBgcICQoLDA0ODw",
    type: "public-key" as const,
    clientExtensionResults: {},
    response: {
      clientDataJSON: b64u('{"type":"webauthn.get"}'),
      authenticatorData: b64u("authdata"),
      signature: b64u("signature"),
      userHandle: b64u("user-handle"),
    },
  };
}

/** A parsed-JSON value the tests tamper with freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests break arbitrary fields on purpose
type Loose = any;

/** A deep copy of `value` with `change` applied. */
function tweak<T>(value: T, change: (copy: Loose) => void): unknown {
  const copy = structuredClone(value);
  change(copy);
  return copy;
}

describe("RegistrationResponse", () => {
  it("accepts what @simplewebauthn/browser posts", () => {
    expect(RegistrationResponse.safeParse(registrationResponse()).success).toBe(true);
  });

  it("accepts a response without the optional fields", () => {
    const minimal = tweak(registrationResponse(), (r) => {
      delete r.authenticatorAttachment;
      delete r.response.authenticatorData;
      delete r.response.transports;
      delete r.response.publicKeyAlgorithm;
      delete r.response.publicKey;
    });
    expect(RegistrationResponse.safeParse(minimal).success).toBe(true);
  });

  it.each([
    ["a numeric id", (r: Loose) => (r.id = 42)],
    ["a type other than public-key", (r: Loose) => (r.type = "password")],
    ["an unknown attachment", (r: Loose) => (r.authenticatorAttachment = "usb")],
    ["a string for clientExtensionResults", (r: Loose) => (r.clientExtensionResults = "none")],
    ["a non-integer publicKeyAlgorithm", (r: Loose) => (r.response.publicKeyAlgorithm = -7.5)],
    ["transports that are not an array", (r: Loose) => (r.response.transports = "internal")],
    ["a null response", (r: Loose) => (r.response = null)],
  ])("refuses %s", (_label, change) => {
    expect(RegistrationResponse.safeParse(tweak(registrationResponse(), change)).success).toBe(false);
  });

  it.each([
    ["id", (r: Loose, v: string) => (r.id = v)],
    ["rawId", (r: Loose, v: string) => (r.rawId = v)],
    ["clientDataJSON", (r: Loose, v: string) => (r.response.clientDataJSON = v)],
    ["attestationObject", (r: Loose, v: string) => (r.response.attestationObject = v)],
    ["publicKey", (r: Loose, v: string) => (r.response.publicKey = v)],
  ])("refuses a %s that is not base64url", (_label, set) => {
    for (const bad of ["abc+def", "abc/def", "abc=", "a b", "ab.c"]) {
      expect(RegistrationResponse.safeParse(tweak(registrationResponse(), (r) => set(r, bad))).success).toBe(false);
    }
  });

  it("refuses oversized strings", () => {
    expect(RegistrationResponse.safeParse(tweak(registrationResponse(), (r) => (r.id = r.rawId = "A".repeat(1367)))).success).toBe(false);
    expect(RegistrationResponse.safeParse(tweak(registrationResponse(), (r) => (r.id = r.rawId = "A".repeat(1366)))).success).toBe(true);
    expect(RegistrationResponse.safeParse(tweak(registrationResponse(), (r) => (r.response.attestationObject = "A".repeat(16_385)))).success).toBe(false);
    expect(RegistrationResponse.safeParse(tweak(registrationResponse(), (r) => (r.response.transports = ["x".repeat(33)]))).success).toBe(false);
    expect(RegistrationResponse.safeParse(tweak(registrationResponse(), (r) => (r.response.transports = Array(11).fill("usb")))).success).toBe(false);
  });

  it.each([
    ["id", (r: Loose) => delete r.id],
    ["rawId", (r: Loose) => delete r.rawId],
    ["type", (r: Loose) => delete r.type],
    ["clientExtensionResults", (r: Loose) => delete r.clientExtensionResults],
    ["response", (r: Loose) => delete r.response],
    ["response.clientDataJSON", (r: Loose) => delete r.response.clientDataJSON],
    ["response.attestationObject", (r: Loose) => delete r.response.attestationObject],
  ])("refuses a response missing %s", (_label, change) => {
    expect(RegistrationResponse.safeParse(tweak(registrationResponse(), change)).success).toBe(false);
  });

  it("refuses empty required strings", () => {
    expect(RegistrationResponse.safeParse(tweak(registrationResponse(), (r) => (r.id = ""))).success).toBe(false);
    expect(RegistrationResponse.safeParse(tweak(registrationResponse(), (r) => (r.response.clientDataJSON = ""))).success).toBe(false);
  });
});

describe("AuthenticationResponse", () => {
  it("accepts what @simplewebauthn/browser posts, with or without a user handle", () => {
    expect(AuthenticationResponse.safeParse(authenticationResponse()).success).toBe(true);
    expect(AuthenticationResponse.safeParse(tweak(authenticationResponse(), (r) => delete r.response.userHandle)).success).toBe(true);
  });

  it.each([
    ["a numeric signature", (r: Loose) => (r.response.signature = 1)],
    ["a type other than public-key", (r: Loose) => (r.type = "public-key ")],
    ["a user handle that is not base64url", (r: Loose) => (r.response.userHandle = "not/base64")],
    ["a signature that is not base64url", (r: Loose) => (r.response.signature = "sig==")],
    ["an oversized authenticatorData", (r: Loose) => (r.response.authenticatorData = "A".repeat(16_385))],
    ["an oversized id", (r: Loose) => (r.id = r.rawId = "A".repeat(1367))],
    ["a missing signature", (r: Loose) => delete r.response.signature],
    ["a missing authenticatorData", (r: Loose) => delete r.response.authenticatorData],
    ["a missing clientDataJSON", (r: Loose) => delete r.response.clientDataJSON],
    ["a missing clientExtensionResults", (r: Loose) => delete r.clientExtensionResults],
    ["an empty signature", (r: Loose) => (r.response.signature = "")],
  ])("refuses %s", (_label, change) => {
    expect(AuthenticationResponse.safeParse(tweak(authenticationResponse(), change)).success).toBe(false);
  });

  it("is wrapped by AuthenticationVerifyBody", () => {
    expect(AuthenticationVerifyBody.safeParse({ response: authenticationResponse() }).success).toBe(true);
    expect(AuthenticationVerifyBody.safeParse({}).success).toBe(false);
  });
});

describe("PasskeyName", () => {
  it("trims surrounding whitespace", () => {
    expect(PasskeyName.parse("  Work laptop \n")).toBe("Work laptop");
  });

  it("accepts 1 to 64 characters", () => {
    expect(PasskeyName.parse("x")).toBe("x");
    expect(PasskeyName.parse("x".repeat(64))).toBe("x".repeat(64));
    expect(PasskeyName.parse(` ${"x".repeat(64)} `)).toBe("x".repeat(64));
  });

  it.each([
    ["empty", ""],
    ["only whitespace", "   \t "],
    ["65 characters", "x".repeat(65)],
  ])("refuses a name that is %s", (_label, name) => {
    expect(PasskeyName.safeParse(name).success).toBe(false);
  });

  it("refuses a non-string", () => {
    expect(PasskeyName.safeParse(42).success).toBe(false);
    expect(PasskeyName.safeParse(null).success).toBe(false);
  });

  it("is what RenamePasskeyBody and RegistrationVerifyBody use", () => {
    expect(RenamePasskeyBody.parse({ name: "  Phone " })).toEqual({ name: "Phone" });
    expect(RenamePasskeyBody.safeParse({ name: " " }).success).toBe(false);
    expect(RenamePasskeyBody.safeParse({}).success).toBe(false);
    expect(RegistrationVerifyBody.parse({ response: registrationResponse(), name: " Key " }).name).toBe("Key");
    expect(RegistrationVerifyBody.parse({ response: registrationResponse() }).name).toBeUndefined();
    expect(RegistrationVerifyBody.safeParse({ response: registrationResponse(), name: "" }).success).toBe(false);
  });
});

describe("Email", () => {
  it("lowercases and trims", () => {
    expect(Email.parse("  Alice.Smith@Example.COM ")).toBe("alice.smith@example.com");
  });

  it.each(["not-an-email", "@example.com", "alice@", "", "alice@@example.com", `${"a".repeat(250)}@example.com`])(
    "refuses %j",
    (value) => {
      expect(Email.safeParse(value).success).toBe(false);
    },
  );

  it("is optional in AuthenticationOptionsBody and normalised when given", () => {
    expect(AuthenticationOptionsBody.parse({})).toEqual({});
    expect(AuthenticationOptionsBody.parse({ email: "Bob@Example.com" })).toEqual({ email: "bob@example.com" });
    expect(AuthenticationOptionsBody.safeParse({ email: "bob" }).success).toBe(false);
  });
});

describe("TapSignInBody", () => {
  it("normalises the email and the code", () => {
    expect(TapSignInBody.parse({ email: " Carol@Example.com", code: "k7qp m2xw-9rta-hv4c" })).toEqual({
      email: "carol@example.com",
      code: "K7QPM2XW9RTAHV4C",
    });
  });

  it.each([
    ["an empty code", { email: "carol@example.com", code: "" }],
    ["a code of only separators", { email: "carol@example.com", code: " - - " }],
    ["an oversized code", { email: "carol@example.com", code: "A".repeat(65) }],
    ["a numeric code", { email: "carol@example.com", code: 1234 }],
    ["a missing code", { email: "carol@example.com" }],
    ["a missing email", { code: "K7QP-M2XW-9RTA-HV4C" }],
    ["a bad email", { email: "carol", code: "K7QP-M2XW-9RTA-HV4C" }],
  ])("refuses %s", (_label, body) => {
    expect(TapSignInBody.safeParse(body).success).toBe(false);
  });
});

describe("other request contracts", () => {
  it("RegistrationOptionsBody accepts only the known authenticator types", () => {
    expect(RegistrationOptionsBody.parse({})).toEqual({});
    for (const authenticatorType of ["localDevice", "remoteDevice", "securityKey"]) {
      expect(RegistrationOptionsBody.parse({ authenticatorType })).toEqual({ authenticatorType });
    }
    expect(RegistrationOptionsBody.safeParse({ authenticatorType: "platform" }).success).toBe(false);
  });

  it("PasskeyIdParam accepts only UUIDs", () => {
    expect(PasskeyIdParam.safeParse("0f8fad5b-d9cb-469f-a165-70867728950e").success).toBe(true);
    for (const bad of ["", "42", "not-a-uuid", "0f8fad5b-d9cb-469f-a165-70867728950e; DROP TABLE"]) {
      expect(PasskeyIdParam.safeParse(bad).success).toBe(false);
    }
  });
});

describe("RenamePasskeyBody", () => {
  it("trims the name and counts its length after trimming", () => {
    expect(RenamePasskeyBody.parse({ name: "\t Work laptop  " })).toEqual({ name: "Work laptop" });
    expect(RenamePasskeyBody.parse({ name: `  ${"n".repeat(64)}  ` })).toEqual({ name: "n".repeat(64) });
    expect(RenamePasskeyBody.parse({ name: " x " })).toEqual({ name: "x" });
  });

  it.each([
    ["an empty name", ""],
    ["a name of only whitespace", " \n\t "],
    ["a name of 65 characters", "n".repeat(65)],
    ["a name of 65 characters inside spaces", ` ${"n".repeat(65)} `],
    ["a number", 7],
    ["null", null],
  ])("refuses %s", (_label, name) => {
    const result = RenamePasskeyBody.safeParse({ name });
    expect(result.success).toBe(false);
  });

  it("says what is wrong with the name", () => {
    expect(RenamePasskeyBody.safeParse({ name: " " }).error?.issues[0]?.message).toBe("Enter a name.");
    expect(RenamePasskeyBody.safeParse({ name: "n".repeat(65) }).error?.issues[0]?.message).toBe("Use at most 64 characters.");
  });
});

describe("DeletePasskeyBody", () => {
  it("takes an optional boolean confirmation", () => {
    expect(DeletePasskeyBody.parse({})).toEqual({});
    expect(DeletePasskeyBody.parse({ confirmNoSignInMethod: true })).toEqual({ confirmNoSignInMethod: true });
    expect(DeletePasskeyBody.parse({ confirmNoSignInMethod: false })).toEqual({ confirmNoSignInMethod: false });
  });

  it.each([["the string \"true\"", "true"], ["1", 1], ["null", null]])("refuses a confirmation that is %s", (_label, value) => {
    expect(DeletePasskeyBody.safeParse({ confirmNoSignInMethod: value }).success).toBe(false);
  });
});

describe("sign-in contracts", () => {
  it("IdentifyBody normalises the email and refuses anything else", () => {
    expect(IdentifyBody.parse({ email: "  Someone@Example.COM " })).toEqual({ email: "someone@example.com" });
    for (const bad of [{}, { email: "nope" }, { email: 1 }]) expect(IdentifyBody.safeParse(bad).success).toBe(false);
  });

  it("PasswordSignInBody ignores spaces in the code and bounds every field", () => {
    expect(PasswordSignInBody.parse({ email: "a@b.test", password: " pw ", code: "123 456" })).toEqual({ email: "a@b.test", password: " pw ", code: "123456" });
    expect(PasswordSignInBody.parse({ email: "a@b.test", password: "pw" })).toEqual({ email: "a@b.test", password: "pw" });
    for (const bad of [
      { email: "a@b.test", password: "" },
      { email: "a@b.test", password: "x".repeat(1025) },
      { email: "a@b.test", password: "pw", code: "1".repeat(33) },
      { email: "a@b.test", password: 5 },
    ]) {
      expect(PasswordSignInBody.safeParse(bad).success).toBe(false);
    }
  });
});
