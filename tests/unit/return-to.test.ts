// safeReturnTo: only same-origin relative paths survive; everything else falls back.
import { describe, expect, it } from "vitest";
import { safeReturnTo } from "@/contracts/return-to";

const FALLBACK = "/security-info";

describe("safeReturnTo", () => {
  it.each(["/security-info?x=1", "/security-info", "/", "/security-info#passkeys", "/a/b?c=d&e=f#g", "/caf%C3%A9"])(
    "accepts the same-origin path %j",
    (path) => {
      expect(safeReturnTo(path)).toBe(path);
    },
  );

  it.each([
    ["an absolute URL", "https://evil.example"],
    ["an absolute URL with a path", "https://evil.example/security-info"],
    ["a scheme-relative URL", "//evil.example"],
    ["a scheme-relative URL with a path", "//evil.example/security-info"],
    ["a backslash trick", "/\\evil.example"],
    ["a double backslash", "\\\\evil.example"],
    ["a javascript: URL", "javascript:alert(1)"],
    ["a data: URL", "data:text/html,<script>alert(1)</script>"],
    ["a relative path without a slash", "security-info"],
    ["an empty string", ""],
    ["a NUL", "/security-info\u0000"],
    ["a tab that browsers strip", "/\t/evil.example"],
    ["a newline that browsers strip", "/\n/evil.example"],
    ["a carriage return", "/security-info\r\nSet-Cookie: x=1"],
    ["DEL", "/security-info\u007f"],
    ["a path over 512 characters", `/${"a".repeat(512)}`],
  ])("refuses %s", (_label, value) => {
    expect(safeReturnTo(value)).toBe(FALLBACK);
  });

  it("falls back for null and undefined", () => {
    expect(safeReturnTo(null)).toBe(FALLBACK);
    expect(safeReturnTo(undefined)).toBe(FALLBACK);
  });

  it("uses the given fallback", () => {
    expect(safeReturnTo("https://evil.example", "/home")).toBe("/home");
    expect(safeReturnTo("/ok", "/home")).toBe("/ok");
  });

  // The URL parser removes dot segments, so a path that starts with one slash can come out of
  // normalisation starting with two: a scheme-relative URL to another host (open redirect).
  it.each(["/.//evil.example", "/..//evil.example", "/%2e//evil.example", "/a/..//evil.example", "/./%2e//evil.example"])(
    "never returns a scheme-relative URL, even from %j after dot-segment removal",
    (value) => {
      const result = safeReturnTo(value);
      expect(result.startsWith("//")).toBe(false);
      expect(new URL(result, "https://app.example").host).toBe("app.example");
    },
  );

  it("never returns anything that leaves the origin, for a batch of tricky inputs", () => {
    const inputs = [
      "/%5Cevil.example",
      "/%2F%2Fevil.example",
      "/ /evil.example",
      "/@evil.example",
      "/?next=//evil.example",
      "/#//evil.example",
      "/\u3000/evil.example",
    ];
    for (const value of inputs) {
      const result = safeReturnTo(value);
      expect(result.startsWith("/"), value).toBe(true);
      expect(new URL(result, "https://app.example").host, value).toBe("app.example");
    }
  });
});
