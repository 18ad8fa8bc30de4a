import { redirect } from "next/navigation";
import { safeReturnTo } from "@/contracts/return-to";
import { getSignedInUser } from "@/server/session";

/**
 * Every sign-in lands here before going on to where the user was going: the place for what must
 * happen after sign-in and before the app (the passkey registration campaign).
 */
export default async function AfterSignInPage({ searchParams }: { searchParams: Promise<{ returnTo?: string | string[] }> }) {
  const raw = (await searchParams).returnTo;
  const returnTo = safeReturnTo(Array.isArray(raw) ? raw[0] : raw);
  if (!(await getSignedInUser())) redirect(`/signin?returnTo=${encodeURIComponent(returnTo)}`);
  redirect(returnTo);
}
