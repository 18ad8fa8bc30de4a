import "server-only";

export interface ContentSecurityPolicyOptions {
  /** This response's nonce (base64): only scripts carrying it, and what they load, may run. */
  nonce: string;
  /** `next dev` only: React rebuilds server error stacks in the browser with eval. */
  development: boolean;
  /** Ask the browser to fetch http sub-resources over https (not on plain-http localhost). */
  upgradeInsecureRequests: boolean;
}

/**
 * A strict, nonce-based Content-Security-Policy. Scripts need this response's nonce
 * ('strict-dynamic' lets them load the app's chunks), so injected markup cannot run script;
 * no 'unsafe-inline' for scripts, and 'unsafe-eval' only under `next dev`. Inline styles stay
 * allowed: React renders style attributes, which cannot carry a nonce, and CSS cannot run script.
 * Provider icons are data: URIs. Nothing may frame the pages (clickjacking); related origins use
 * WebAuthn through /.well-known/webauthn, never by framing.
 */
export function buildContentSecurityPolicy({ nonce, development, upgradeInsecureRequests }: ContentSecurityPolicyOptions): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(upgradeInsecureRequests ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}
