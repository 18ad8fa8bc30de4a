import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { CampaignPrompt } from "@/components/campaign-prompt";
import { SessionEnded } from "@/components/session-ended";
import { safeReturnTo } from "@/contracts/return-to";
import { getUserCampaignPrompt } from "@/server/campaign/get-user-campaign-prompt";
import { isFreshMultifactor, getSignedInUser } from "@/server/session";

export const metadata: Metadata = { title: "Add a passkey" };

/**
 * Every sign-in lands here before going on to where the user was going: the place for what must
 * happen after sign-in and before the app (the passkey registration campaign).
 */
export default async function AfterSignInPage({ searchParams }: { searchParams: Promise<{ returnTo?: string | string[] }> }) {
  const raw = (await searchParams).returnTo;
  const returnTo = safeReturnTo(Array.isArray(raw) ? raw[0] : raw);
  const user = await getSignedInUser();
  if (!user) redirect(`/signin?returnTo=${encodeURIComponent(returnTo)}`);
  const prompt = await getUserCampaignPrompt(user);
  if (!prompt) redirect(returnTo);
  const afterPasswordAndCode =
    user.methods.length === 2 && user.methods.includes("password") && user.methods.includes("totp") && isFreshMultifactor(user);
  return (
    <main id="main" className="narrow">
      <p className="brand">Security Info</p>
      <CampaignPrompt
        email={prompt.email}
        skippable={prompt.skippable}
        skipsLeft={prompt.skipsLeft}
        returnTo={returnTo}
        tryAutoRegister={afterPasswordAndCode}
      />
      <SessionEnded />
    </main>
  );
}
