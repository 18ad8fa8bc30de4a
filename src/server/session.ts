import "server-only";
import { randomBytes } from "node:crypto";
import { cache } from "react";
import { getConfig } from "./config";
import { requestCookies } from "./http/request-cookies";
import { sealCookie, unsealCookie } from "./session-seal";
import { deleteUserSession, isUserSessionActive } from "./sessions/user-sessions";
import {
  BINDING_COOKIE,
  SESSION_COOKIE,
  cookieName,
  type AuthMethod,
  type BindingData,
  type SessionData,
} from "./session-data";

export type { AuthMethod, SessionData };

/** A sealed cookie's data, with save() (seal and set it) and destroy() (clear it). */
export type CookieSession<T extends object> = Partial<T> & {
  save(): Promise<void>;
  destroy(): void;
};

export interface SealedCookieOptions {
  cookieName: string;
  password: string;
  /** How long a seal is good for, in seconds; the cookie lives a minute less (clock skew). */
  ttl: number;
  cookieOptions: { httpOnly: true; sameSite: "lax"; secure: boolean; path: "/" };
}

export function sessionOptions(base = SESSION_COOKIE): SealedCookieOptions {
  const config = getConfig();
  return {
    cookieName: cookieName(base, config.secureCookies),
    password: config.sessionSecret,
    // The cookie lasts as long as a session may; the server-side row decides before that.
    ttl: config.sessionAbsoluteMs / 1000,
    cookieOptions: { httpOnly: true, sameSite: "lax", secure: config.secureCookies, path: "/" },
  };
}

export async function getSession(): Promise<CookieSession<SessionData>> {
  return readSealedCookie<SessionData>(sessionOptions());
}

/**
 * The sealed cookie as a session (src/server/session-seal.ts). A seal that cannot be opened (another
 * secret, altered, expired, malformed: the client can send anything) reads as no cookie.
 */
async function readSealedCookie<T extends object>(options: SealedCookieOptions): Promise<CookieSession<T>> {
  const store = await requestCookies();
  const sealed = store.get(options.cookieName)?.value;
  const session = (sealed ? unsealCookie<T>(sealed, options.password) : null) ?? {};
  let destroyed = false;
  Object.defineProperties(session, {
    save: {
      value: async function save(): Promise<void> {
        if (destroyed) {
          if (Object.keys(session).length === 0) return;
          // Writing fields back into a destroyed session would sign the browser in again.
          throw new Error("A destroyed session cannot be saved with data in it.");
        }
        store.set(options.cookieName, sealCookie(session, options.password, options.ttl), {
          ...options.cookieOptions,
          maxAge: Math.max(0, options.ttl - 60),
        });
      },
    },
    destroy: {
      value: function destroy(): void {
        destroyed = true;
        for (const key of Object.keys(session)) delete (session as Record<string, unknown>)[key];
        store.set(options.cookieName, "", { ...options.cookieOptions, maxAge: 0 });
      },
    },
  });
  return session as CookieSession<T>;
}

/** 128 random bits: enough that nobody can guess another browser's binding. */
export function newBinding(): string {
  return randomBytes(16).toString("base64url");
}

async function getBindingCookie(): Promise<CookieSession<BindingData>> {
  return readSealedCookie<BindingData>(sessionOptions(BINDING_COOKIE));
}

/** This browser's binding id, or undefined if it never asked for a ceremony. */
export async function getBinding(): Promise<string | undefined> {
  return (await getBindingCookie()).binding;
}

/** Returns this browser's binding id, creating (and saving) one if it has none. */
export async function ensureBinding(): Promise<string> {
  const cookie = await getBindingCookie();
  if (!cookie.binding) {
    cookie.binding = newBinding();
    await cookie.save();
  }
  return cookie.binding;
}

export interface SignedInUser {
  userId: string;
  methods: AuthMethod[];
  mfa: boolean;
  authTime: number;
}

/**
 * Puts a sign-in whose server-side session exists (`sessionId`) into the cookie. Only
 * completeSignIn (src/server/sign-in) calls it: that is where a sign-in's worth is decided.
 */
export async function saveSignedInSession(
  session: CookieSession<SessionData>,
  user: { userId: string; methods: AuthMethod[]; mfa: boolean; sessionId: string },
  now = Date.now(),
): Promise<void> {
  session.sessionId = user.sessionId;
  session.userId = user.userId;
  session.methods = user.methods;
  session.mfa = user.mfa;
  session.authTime = now;
  await session.save();
}

/** The signed-in user of this request, resolved once per request. */
export const getSignedInUser = cache(async (): Promise<SignedInUser | null> => {
  const session = await getSession();
  if (!session.userId || !session.authTime || !session.sessionId) return null;
  // The cookie alone is not enough: its server-side session must still exist (sign-out ends it).
  if (!(await isUserSessionActive(session.sessionId, session.userId))) return null;
  return {
    userId: session.userId,
    methods: session.methods ?? [],
    mfa: session.mfa === true,
    authTime: session.authTime,
  };
});

/** Whether the user's last multifactor authentication is within the freshness window. */
export function isFreshMultifactor(user: SignedInUser, now = Date.now()): boolean {
  return user.mfa && now - user.authTime <= getConfig().freshnessMs && user.authTime <= now + 60_000;
}

/** Signs this browser out: ends its server-side session and clears the cookie. */
export async function endSession(): Promise<void> {
  const session = await getSession();
  if (session.sessionId) await deleteUserSession(session.sessionId);
  session.destroy();
}
