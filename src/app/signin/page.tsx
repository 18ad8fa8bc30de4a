import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/sign-in-form";
import { safeReturnTo } from "@/contracts/return-to";
import { getSignedInUser } from "@/server/session";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ returnTo?: string | string[] }> }) {
  const raw = (await searchParams).returnTo;
  const returnTo = safeReturnTo(Array.isArray(raw) ? raw[0] : raw);
  if (await getSignedInUser()) redirect(returnTo);
  return (
    <main id="main" className="narrow">
      <p className="brand">Security Info</p>
      <SignInForm returnTo={returnTo} />
    </main>
  );
}
