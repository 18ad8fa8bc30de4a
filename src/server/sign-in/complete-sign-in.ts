import "server-only";
import { getSession, saveSignedInSession, type CookieSession, type SessionData } from "../session";
import { createUserSession } from "../sessions/user-sessions";
import type { UserProfile } from "../users";
import { signInAssurance, type SignInProof } from "./sign-in-assurance";

/** A sign-in whose credentials were verified: who, and what the verification proved. */
export interface VerifiedSignIn {
  user: UserProfile;
  proof: SignInProof;
  /**
   * The server-side session, when the verifying statement already started it (a passkey sign-in
   * does, in the transaction that records the passkey's use); otherwise one is started here.
   */
  sessionId?: string;
}

/**
 * Starts this browser's session for a verified sign-in, worth what signInAssurance says: every
 * sign-in route ends here, so none decides a session's strength on its own. Returns the public
 * profile the route answers with. `session`: the cookie the route already opened, if it did (each
 * opening decrypts it again).
 */
export async function completeSignIn(
  signIn: VerifiedSignIn,
  session?: CookieSession<SessionData>,
  now = Date.now(),
): Promise<{ id: string; email: string; displayName: string }> {
  const { user, proof } = signIn;
  const assurance = signInAssurance(proof);
  session ??= await getSession();
  const sessionId = signIn.sessionId ?? (await createUserSession(user.id, session.sessionId, new Date(now), assurance.passkeyId));
  await saveSignedInSession(session, { userId: user.id, methods: assurance.methods, mfa: assurance.mfa, sessionId }, now);
  return { id: user.id, email: user.email, displayName: user.displayName };
}
