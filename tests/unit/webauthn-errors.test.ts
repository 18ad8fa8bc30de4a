import { WebAuthnError } from "@simplewebauthn/browser";
import { describe, expect, it } from "vitest";
import { classifyCreateError, CREATE_FAILURE_MESSAGES } from "@/components/webauthn-errors";

const domError = (name: string) => Object.assign(new Error(name), { name });

describe("what ended the browser's create() prompt", () => {
  it("tells a timeout from a cancel or refusal by how long the prompt was open", () => {
    expect(classifyCreateError(domError("NotAllowedError"), 119_000, 120_000)).toBe("timeout");
    expect(classifyCreateError(domError("NotAllowedError"), 3_000, 120_000)).toBe("not-allowed");
  });

  it("reads our own Cancel (an abort) as cancelled", () => {
    const aborted = new WebAuthnError({ message: "aborted", code: "ERROR_CEREMONY_ABORTED", cause: domError("AbortError") });
    expect(classifyCreateError(aborted, 500, 120_000)).toBe("cancelled");
    expect(classifyCreateError(domError("AbortError"), 500, 120_000)).toBe("cancelled");
  });

  it("recognises a passkey already on this authenticator", () => {
    const excluded = new WebAuthnError({
      message: "registered",
      code: "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED",
      cause: domError("InvalidStateError"),
    });
    expect(classifyCreateError(excluded, 500, 120_000)).toBe("already-registered");
    expect(classifyCreateError(domError("InvalidStateError"), 500, 120_000)).toBe("already-registered");
  });

  it("has a distinct plain message for each outcome", () => {
    const messages = Object.values(CREATE_FAILURE_MESSAGES);
    expect(new Set(messages).size).toBe(messages.length);
    expect(classifyCreateError(domError("SecurityError"), 0, 1)).toBe("unsupported");
    expect(classifyCreateError(new Error("boom"), 0, 1)).toBe("other");
  });
});
