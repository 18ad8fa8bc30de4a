import "server-only";
import { randomBytes } from "node:crypto";
import { getIronSession, type IronSession, type SessionOptions } from "iron-session";
import { cookies } from "next/headers";
import { cache } from "react";
import { getConfig } from "./config";
import { SESSION_COOKIE, SESSION_TTL_SECONDS, type AuthMethod, type SessionData } from "./session-data";

export type { AuthMethod, SessionData };
export { SESSION_COOKIE, SESSION_TTL_SECONDS };

export function sessionOptions(): SessionOptions {
  const config = getConfig();
  return {
    cookieName: SESSION_COOKIE,
    password: config.sessionSecret,
    ttl: SESSION_TTL_SECONDS,
    cookieOptions: { httpOnly: true, sameSite: "lax", secure: config.secureCookies, path: "/" },
  };
}

export async function getSession(): Promise<IronSession<SessionData>> {
  return getIronSession<SessionData>(await cookies(), sessionOptions());
}

/** 128 random bits: enough that nobody can guess another browser's binding. */
export function newBinding(): string {
  return randomBytes(16).toString("base64url");
}

/** Returns this browser's binding id, creating (and saving) one if the session has none. */
export async function ensureBinding(session: IronSession<SessionData>): Promise<string> {
  if (!session.binding) {
    session.binding = newBinding();
    await session.save();
  }
  return session.binding;
}

export interface SignedInUser {
  userId: string;
  methods: AuthMethod[];
  mfa: boolean;
  authTime: number;
}

/** Replaces the session with a fresh sign-in (new binding too, so nothing carries across). */
export async function startSignedInSession(
  session: IronSession<SessionData>,
  user: { userId: string; methods: AuthMethod[]; mfa: boolean },
  now = Date.now(),
): Promise<void> {
  session.binding = newBinding();
  session.userId = user.userId;
  session.methods = user.methods;
  session.mfa = user.mfa;
  session.authTime = now;
  await session.save();
}

/** The signed-in user of this request, resolved once per request. */
export const getSignedInUser = cache(async (): Promise<SignedInUser | null> => {
  const session = await getSession();
  if (!session.userId || !session.authTime) return null;
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
