import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { cookies } from "next/headers";

/** The attributes our cookies are set with (session.ts). */
export interface CookieAttributes {
  httpOnly?: boolean;
  sameSite?: "lax" | "strict" | "none";
  secure?: boolean;
  path?: string;
  maxAge?: number;
}

/** What the session code needs of a request's cookies: Next.js's cookies() has this shape too. */
export interface CookieStore {
  get(name: string): { value: string } | undefined;
  set(name: string, value: string, attributes: CookieAttributes): void;
}

const ownStore = new AsyncLocalStorage<CookieStore>();

/**
 * This request's cookies: the store of a request our own server answers (directCookies), else
 * Next.js's, for a request Next.js handles.
 */
export async function requestCookies(): Promise<CookieStore> {
  return ownStore.getStore() ?? (await cookies());
}

/** Runs `fn` with `store` as the request's cookies (for the routes our server answers itself). */
export function withRequestCookies<T>(store: CookieStore, fn: () => Promise<T>): Promise<T> {
  return ownStore.run(store, fn);
}

/**
 * A cookie store over a request's Cookie header, collecting what is set as Set-Cookie lines, spelled
 * as Next.js spells them (@edge-runtime/cookies): the value URI-encoded, Path, Expires (from a
 * non-zero Max-Age), Max-Age, Secure, HttpOnly, SameSite, in that order.
 */
export function headerCookieStore(cookieHeader: string | undefined, now: () => number = Date.now): CookieStore & { setCookies(): string[] } {
  const received = parseCookieHeader(cookieHeader);
  const set = new Map<string, string>();
  return {
    get(name) {
      const value = received.get(name);
      return value === undefined ? undefined : { value };
    },
    set(name, value, attributes) {
      received.set(name, value);
      set.set(name, serializeCookie(name, value, attributes, now()));
    },
    setCookies: () => [...set.values()],
  };
}

/** A Cookie header as name → decoded value, as Next.js reads it: a value that does not decode is left out, the last of a name wins. */
export function parseCookieHeader(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const pair of header.split(/; */)) {
    if (!pair) continue;
    const at = pair.indexOf("=");
    const name = at === -1 ? pair : pair.slice(0, at);
    if (at === -1) {
      cookies.set(name, "true");
      continue;
    }
    try {
      cookies.set(name, decodeURIComponent(pair.slice(at + 1)));
    } catch {
      // Not URI-encoded text: ignored, as Next.js ignores it.
    }
  }
  return cookies;
}

export function serializeCookie(name: string, value: string, attributes: CookieAttributes, now: number): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${attributes.path ?? "/"}`];
  if (attributes.maxAge) parts.push(`Expires=${new Date(now + attributes.maxAge * 1000).toUTCString()}`);
  if (typeof attributes.maxAge === "number") parts.push(`Max-Age=${attributes.maxAge}`);
  if (attributes.secure) parts.push("Secure");
  if (attributes.httpOnly) parts.push("HttpOnly");
  if (attributes.sameSite) parts.push(`SameSite=${attributes.sameSite}`);
  return parts.join("; ");
}
