// requestPath: the path our HTTP server decides the security headers and wrong-method answers by.
import { describe, expect, it } from "vitest";
import { requestPath } from "../../../scripts/lib/request-path";

describe("requestPath", () => {
  it("is the path without the query", () => {
    expect(requestPath("/api/me/passkeys?cursor=x")).toBe("/api/me/passkeys");
    expect(requestPath("/security-info")).toBe("/security-info");
    expect(requestPath(undefined)).toBe("/");
  });

  it("resolves dot segments as Next.js's router does, so they cannot dodge the API's headers", () => {
    expect(requestPath("/signin/../api/auth/tap")).toBe("/api/auth/tap");
    expect(requestPath("/./api/me")).toBe("/api/me");
  });

  it("keeps a target that starts with // as a path, never a host", () => {
    expect(requestPath("//api/me")).toBe("//api/me");
    expect(requestPath("//evil.example/api")).toBe("//evil.example/api");
  });

  it("reads an absolute-form target's path, and falls back to / for nonsense", () => {
    expect(requestPath("http://localhost:3000/api/me?x=1")).toBe("/api/me");
    expect(requestPath("*")).toBe("/");
    expect(requestPath("http://[")).toBe("/");
  });
});
