import "server-only";
import { AppError } from "./errors";
import { getSignedInUser, type SignedInUser } from "./session";

/** The signed-in user of this request, or UNAUTHENTICATED. */
export async function requireUser(): Promise<SignedInUser> {
  const user = await getSignedInUser();
  if (!user) throw new AppError("UNAUTHENTICATED", "Sign in to continue.");
  return user;
}
