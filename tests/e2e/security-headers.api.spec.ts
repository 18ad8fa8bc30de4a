// Security headers on every kind of response (page, JSON, JSON error, static file, not found,
// method not allowed), a fresh CSP nonce per response on every script, and pages that run under
// that policy (the shared fixture fails any test that logs a CSP violation).
import type { APIResponse } from "@playwright/test";
import { expect, test } from "../fixtures/playwright";

/** Asserts the headers every response carries; returns the CSP's nonce. */
function expectSecurityHeaders(res: APIResponse, what: string): string {
  const headers = res.headers();
  const csp = headers["content-security-policy"] ?? "";
  const directives = new Map(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([name = "", ...sources]) => [name, sources]));
  const scriptSrc = directives.get("script-src") ?? [];
  const nonce = scriptSrc.find((s) => s.startsWith("'nonce-"))?.slice("'nonce-".length, -1);
  expect(nonce, `${what}: script-src nonce`).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  expect(scriptSrc, what).toEqual(["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"]);
  expect(scriptSrc.join(" "), what).not.toMatch(/unsafe-inline|unsafe-eval/);
  expect(directives.get("default-src"), what).toEqual(["'self'"]);
  expect(directives.get("object-src"), what).toEqual(["'none'"]);
  expect(directives.get("base-uri"), what).toEqual(["'none'"]);
  expect(directives.get("frame-ancestors"), what).toEqual(["'none'"]);
  expect(directives.get("img-src"), what).toEqual(["'self'", "data:"]);
  // Plain-http localhost: no HSTS, no upgrade of requests to https.
  expect(directives.has("upgrade-insecure-requests"), what).toBe(false);
  expect(headers["strict-transport-security"], what).toBeUndefined();
  expect(headers["referrer-policy"], what).toBe("strict-origin-when-cross-origin");
  expect(headers["x-content-type-options"], what).toBe("nosniff");
  expect(headers["cross-origin-opener-policy"], what).toBe("same-origin");
  expect(headers["x-frame-options"], what).toBe("DENY");
  const permissions = (headers["permissions-policy"] ?? "").split(", ");
  expect(permissions, what).toEqual(expect.arrayContaining([
    "publickey-credentials-get=(self)",
    "publickey-credentials-create=(self)",
    "camera=()",
    "microphone=()",
    "geolocation=()",
  ]));
  return nonce!;
}

/** The opening tag of every <script> element in the HTML. */
function scriptTags(html: string): string[] {
  return html.match(/<script\b[^>]*>/gi) ?? [];
}

test("a page carries every header, and every script in it carries this response's nonce", async ({ request }) => {
  const res = await request.get("/signin");
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toMatch(/^text\/html/);
  const nonce = expectSecurityHeaders(res, "GET /signin");
  const scripts = scriptTags(await res.text());
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(` nonce="${nonce}"`);
});

test("each response gets a fresh nonce", async ({ request }) => {
  const nonces = new Set<string>();
  for (let i = 0; i < 3; i++) {
    const res = await request.get("/signin");
    const nonce = expectSecurityHeaders(res, `GET /signin #${i + 1}`);
    // The HTML uses the nonce of its own response, not one cached from an earlier one.
    for (const tag of scriptTags(await res.text())) expect(tag).toContain(` nonce="${nonce}"`);
    nonces.add(nonce);
  }
  expect(nonces.size).toBe(3);
});

test("API responses carry the headers, successes and errors alike", async ({ request }) => {
  const ok = await request.get("/.well-known/webauthn");
  expect(ok.status()).toBe(200);
  expect(ok.headers()["content-type"]).toMatch(/^application\/json/);
  expectSecurityHeaders(ok, "GET /.well-known/webauthn");

  const unauthorized = await request.get("/api/me/passkeys");
  expect(unauthorized.status()).toBe(401);
  expect(await unauthorized.json()).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
  expectSecurityHeaders(unauthorized, "GET /api/me/passkeys (signed out)");

  const notAllowed = await request.fetch("/api/auth/tap", { method: "GET" });
  expect(notAllowed.status()).toBe(405);
  expectSecurityHeaders(notAllowed, "GET /api/auth/tap");
});

test("static files carry the headers", async ({ request }) => {
  const favicon = await request.get("/favicon.svg");
  expect(favicon.status()).toBe(200);
  expectSecurityHeaders(favicon, "GET /favicon.svg");

  const html = await (await request.get("/signin")).text();
  const chunk = /<script\b[^>]*\bsrc="(\/_next\/static\/[^"]+\.js)"/.exec(html)?.[1];
  expect(chunk, "a /_next/static script in the page").toBeTruthy();
  const res = await request.get(chunk!);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toMatch(/javascript/);
  expectSecurityHeaders(res, `GET ${chunk}`);
});

test("not-found answers carry the headers", async ({ request }) => {
  const page = await request.get("/no-such-page");
  expect(page.status()).toBe(404);
  const nonce = expectSecurityHeaders(page, "GET /no-such-page");
  for (const tag of scriptTags(await page.text())) expect(tag).toContain(` nonce="${nonce}"`);

  const api = await request.get("/api/no-such-route");
  expect(api.status()).toBe(404);
  expectSecurityHeaders(api, "GET /api/no-such-route");

  const asset = await request.get("/_next/static/no-such-file.js");
  expect(asset.status()).toBe(404);
  expectSecurityHeaders(asset, "GET /_next/static/no-such-file.js");
});

test("the sign-in page runs under the policy: it hydrates and logs no CSP violation", async ({ page }) => {
  const violations: string[] = [];
  await page.exposeFunction("reportViolation", (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      (window as unknown as { reportViolation(t: string): void }).reportViolation(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  await page.goto("/signin");
  // React is running: the email step answers the keyboard and moves on.
  await page.getByLabel("Email").fill("nobody@example.com");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByRole("button", { name: "Sign in another way" })).toBeVisible();
  expect(violations).toEqual([]);
});
