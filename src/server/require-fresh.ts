import "server-only";
import { AppError } from "./errors";
import { isFreshMultifactor, type SignedInUser } from "./session";

/**
 * Adding a passkey needs a recent multifactor authentication (step-up freshness).
 * @throws UNAUTHENTICATED when nobody is signed in
 * @throws REAUTH_REQUIRED when the last multifactor authentication is too old
 */
export function requireFreshMultifactor(user: SignedInUser | null, now = Date.now()): SignedInUser {
  if (!user) throw new AppError("UNAUTHENTICATED", "Your session has ended. Sign in again to continue.");
  if (!isFreshMultifactor(user, now)) {
    throw new AppError("REAUTH_REQUIRED", "Verify your identity to continue.");
  }
  return user;
}
