import "server-only";
import { randomBytes } from "node:crypto";
import { getIronSession, type IronSession, type SessionOptions } from "iron-session";
import { cookies } from "next/headers";
import { cache } from "react";
import { getConfig } from "./config";
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

export function sessionOptions(base = SESSION_COOKIE): SessionOptions {
  const config = getConfig();
  return {
    cookieName: cookieName(base, config.secureCookies),
    password: config.sessionSecret,
    // The cookie lasts as long as a session may; the server-side row decides before that.
    ttl: config.sessionAbsoluteMs / 1000,
    cookieOptions: { httpOnly: true, sameSite: "lax", secure: config.secureCookies, path: "/" },
  };
}

export async function getSession(): Promise<IronSession<SessionData>> {
  return readSealedCookie<SessionData>(sessionOptions());
}

/**
 * The sealed cookie as a session; a seal that cannot be opened reads as no cookie. iron-session
 * itself does that only for an expired seal or a wrong MAC, and throws on a malformed one ("Wrong
 * mac prefix", bad base64 or JSON): a cookie the client can edit must never become a 500.
 */
async function readSealedCookie<T extends object>(options: SessionOptions): Promise<IronSession<T>> {
  const store = await cookies();
  try {
    return await getIronSession<T>(store, options);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith("iron-session: Bad usage")) throw error;
    const withoutSeal = {
      get: ((name: string) => (name === options.cookieName ? undefined : store.get(name))) as typeof store.get,
      set: store.set.bind(store),
    };
    return getIronSession<T>(withoutSeal, options);
  }
}

/** 128 random bits: enough that nobody can guess another browser's binding. */
export function newBinding(): string {
  return randomBytes(16).toString("base64url");
}

async function getBindingCookie(): Promise<IronSession<BindingData>> {
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
  session: IronSession<SessionData>,
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
