import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/sign-in-form";
import { safeReturnTo } from "@/contracts/return-to";
import { getSignedInUser } from "@/server/session";

export const metadata: Metadata = { title: "Sign in" };

/** Why the visitor is here, when an earlier page sent them: said above the form. */
const ENDED_NOTICES: Record<string, string> = {
  session: "Your session has ended. Sign in again to continue.",
  everywhere: "You've been signed out everywhere, including here.",
};

type SearchParams = Promise<{ returnTo?: string | string[]; ended?: string | string[] }>;

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
  const returnTo = safeReturnTo(first(params.returnTo));
  if (await getSignedInUser()) redirect(returnTo);
  const ended = first(params.ended);
  const notice = ended && Object.hasOwn(ENDED_NOTICES, ended) ? ENDED_NOTICES[ended] : null;
  return (
    <main id="main" className="narrow">
      <p className="brand">Security Info</p>
      {notice && (
        <p className="banner" role="status">
          {notice}
        </p>
      )}
      <SignInForm returnTo={returnTo} />
    </main>
  );
}
