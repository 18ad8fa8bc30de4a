import "server-only";
import { buildContentSecurityPolicy } from "./security-headers-csp";

export interface SecurityHeadersOptions {
  /** This response's CSP nonce. */
  nonce: string;
  /** The configured origins (config ORIGINS), the app's own first: never the request's Host header. */
  origins: readonly string[];
  /** `next dev`: allows eval for React's development tooling. */
  development: boolean;
  /** The request's path: API answers are never cached. */
  pathname: string;
}

const LOOPBACK_HOSTS = /^(localhost|.+\.localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * The security headers every response carries (pages, JSON, static files, errors), as name-value
 * pairs. HSTS and upgrade-insecure-requests only when the app's own origin is https on a real
 * host: on http://localhost they would break local development (and HSTS would stick to
 * "localhost" in the browser for two years).
 */
export function buildSecurityHeaders({ nonce, origins, development, pathname }: SecurityHeadersOptions): Array<[string, string]> {
  const own = new URL(origins[0] ?? "http://localhost");
  const secure = own.protocol === "https:" && !LOOPBACK_HOSTS.test(own.hostname);
  return [
    ["Content-Security-Policy", buildContentSecurityPolicy({ nonce, development, upgradeInsecureRequests: secure })],
    ...(secure ? [["Strict-Transport-Security", "max-age=63072000; includeSubDomains"] as [string, string]] : []),
    // Other sites learn our origin at most, never a path or query (user ids, audit filters).
    ["Referrer-Policy", "strict-origin-when-cross-origin"],
    // Only features the browser knows: Chromium warns on the console about every unknown one on
    // every page ("bluetooth" is not a Permissions-Policy feature); tests/e2e/console.spec.ts.
    [
      "Permissions-Policy",
      [
        "publickey-credentials-get=(self)",
        "publickey-credentials-create=(self)",
        "camera=()",
        "microphone=()",
        "geolocation=()",
        "payment=()",
        "usb=()",
        "serial=()",
        "hid=()",
        "display-capture=()",
        "browsing-topics=()",
      ].join(", "),
    ],
    ["X-Content-Type-Options", "nosniff"],
    ["Cross-Origin-Opener-Policy", "same-origin"],
    // For browsers that predate frame-ancestors.
    ["X-Frame-Options", "DENY"],
    // API answers carry sessions, options, secrets and personal data: no browser or shared cache
    // may keep any of them, success or error (ASVS v5 14.3.2). Pages are Next.js's to mark.
    ...(isApiPath(pathname) ? [["Cache-Control", "no-store"] as [string, string]] : []),
  ];
}

export function isApiPath(pathname: string): boolean {
  return pathname === "/api" || pathname.startsWith("/api/");
}
