/** The sign-in cookie's base name (see cookieName for the name it is sent under). */
export const SESSION_COOKIE = "si_session";
/**
 * A separate cookie holds the browser's binding id (WebAuthn challenges are bound to it), so that
 * asking for ceremony options never rewrites the sign-in cookie a parallel request just set.
 */
export const BINDING_COOKIE = "si_binding";

/**
 * A cookie's name as sent: with the `__Host-` prefix whenever cookies are Secure (an https
 * origin), so the browser takes it only from this host, over https, with Path=/ and no Domain: a
 * sibling subdomain or a plain-http page cannot plant or shadow it (RFC 6265bis 4.1.3.2, ASVS v5
 * 3.3.1). Plain http://localhost development keeps the bare name, which the prefix would forbid.
 */
export function cookieName(base: string, secure: boolean): string {
  return secure ? `__Host-${base}` : base;
}
