// buildSecurityHeaders / buildContentSecurityPolicy: the headers every response carries.
import { describe, expect, it } from "vitest";
import { buildSecurityHeaders } from "@/server/http/security-headers";
import { buildContentSecurityPolicy } from "@/server/http/security-headers-csp";

const nonce = "AAECAwQFBgcICQoLDA0ODw==";

function headersFor(origins: string[], development = false, pathname = "/"): Map<string, string> {
  return new Map(buildSecurityHeaders({ nonce, origins, development, pathname }));
}

/** The CSP as directive name -> its sources. */
function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([name = "", ...sources]) => [name, sources]));
}

describe("buildContentSecurityPolicy", () => {
  it("allows scripts only with the nonce (strict-dynamic), never unsafe-inline or unsafe-eval in production", () => {
    const csp = directives(buildContentSecurityPolicy({ nonce, development: false, upgradeInsecureRequests: false }));
    expect(csp.get("script-src")).toEqual(["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"]);
    expect(csp.get("default-src")).toEqual(["'self'"]);
    expect(csp.get("style-src")).toEqual(["'self'", "'unsafe-inline'"]);
    expect(csp.get("img-src")).toEqual(["'self'", "data:"]);
    expect(csp.get("font-src")).toEqual(["'self'"]);
    expect(csp.get("connect-src")).toEqual(["'self'"]);
    expect(csp.get("object-src")).toEqual(["'none'"]);
    expect(csp.get("base-uri")).toEqual(["'none'"]);
    expect(csp.get("form-action")).toEqual(["'self'"]);
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    expect(csp.has("upgrade-insecure-requests")).toBe(false);
  });

  it("adds unsafe-eval only for development", () => {
    const csp = directives(buildContentSecurityPolicy({ nonce, development: true, upgradeInsecureRequests: false }));
    expect(csp.get("script-src")).toEqual(["'self'", `'nonce-${nonce}'`, "'strict-dynamic'", "'unsafe-eval'"]);
    expect(csp.get("script-src")).not.toContain("'unsafe-inline'");
  });

  it("adds upgrade-insecure-requests when asked", () => {
    const csp = directives(buildContentSecurityPolicy({ nonce, development: false, upgradeInsecureRequests: true }));
    expect(csp.get("upgrade-insecure-requests")).toEqual([]);
  });
});

describe("buildSecurityHeaders", () => {
  it("sends no HSTS and no upgrade-insecure-requests on localhost", () => {
    for (const origin of ["http://localhost:3000", "https://localhost:3000", "https://app.localhost", "http://127.0.0.1:3000", "https://[::1]"]) {
      const headers = headersFor([origin]);
      expect(headers.has("Strict-Transport-Security"), origin).toBe(false);
      expect(headers.get("Content-Security-Policy"), origin).not.toContain("upgrade-insecure-requests");
    }
  });

  it("sends HSTS for two years with subdomains, and upgrades insecure requests, on an https origin", () => {
    const headers = headersFor(["https://id.example.com", "https://example.com"]);
    expect(headers.get("Strict-Transport-Security")).toBe("max-age=63072000; includeSubDomains");
    expect(headers.get("Content-Security-Policy")).toMatch(/; upgrade-insecure-requests$/);
  });

  it("decides from the app's own (first) origin, not related origins", () => {
    expect(headersFor(["http://localhost:3000", "https://other.example"]).has("Strict-Transport-Security")).toBe(false);
  });

  it("sends the other headers everywhere", () => {
    const headers = headersFor(["http://localhost:3000"]);
    expect(headers.get("Referrer-Policy")).toBe("strict-origin-when-cross-origin");
    expect(headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(headers.get("Cross-Origin-Opener-Policy")).toBe("same-origin");
    expect(headers.get("X-Frame-Options")).toBe("DENY");
    const permissions = headers.get("Permissions-Policy")!.split(", ");
    expect(permissions).toEqual(expect.arrayContaining([
      "publickey-credentials-get=(self)",
      "publickey-credentials-create=(self)",
      "camera=()",
      "microphone=()",
      "geolocation=()",
    ]));
    // Nothing but WebAuthn is allowed, and WebAuthn only for this origin.
    expect(permissions.filter((p) => !p.endsWith("=()"))).toEqual(["publickey-credentials-get=(self)", "publickey-credentials-create=(self)"]);
  });

  it("puts the nonce in the CSP", () => {
    expect(headersFor(["http://localhost:3000"]).get("Content-Security-Policy")).toContain(`'nonce-${nonce}'`);
  });
});

describe("Cache-Control on API answers", () => {
  it("marks every /api/ answer no-store, success or error, whatever the route", () => {
    for (const path of ["/api/me/passkeys", "/api/admin/audit/export", "/api/auth/identify", "/api/webauthn/registration/options", "/api/nowhere"]) {
      expect(headersFor(["http://localhost:3000"], false, path).get("Cache-Control"), path).toBe("no-store");
    }
  });

  it("leaves pages, static files and paths that only look like the API to Next.js", () => {
    for (const path of ["/", "/security-info", "/_next/static/chunks/app.js", "/.well-known/webauthn", "/apiary"]) {
      expect(headersFor(["http://localhost:3000"], false, path).has("Cache-Control"), path).toBe(false);
    }
  });
});
