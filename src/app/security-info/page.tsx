import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { SecurityInfoView } from "@/components/security-info-view";
import { SessionEnded } from "@/components/session-ended";
import { SignOutButton } from "@/components/sign-out-button";
import { SignOutEverywhere } from "@/components/sign-out-everywhere";
import { getUserCampaignPrompt } from "@/server/campaign/get-user-campaign-prompt";
import { getSecurityInfo } from "@/server/methods/get-security-info";
import { getSignedInUser } from "@/server/session";

export const metadata: Metadata = { title: "Security info" };

export default async function SecurityInfoPage() {
  const user = await getSignedInUser();
  if (user && (await getUserCampaignPrompt(user))?.skippable === false) redirect("/signin/continue?returnTo=%2Fsecurity-info");
  const info = user && (await getSecurityInfo(user.userId));
  if (!info) redirect("/signin?returnTo=%2Fsecurity-info");
  return (
    <>
      <header className="topbar">
        <span className="brand">Security Info</span>
        <span className="who">
          {info.isAdmin && (
            <Link href="/admin/users" className="topbar-link">
              Administration
            </Link>
          )}
          <span className="who-email">{info.email}</span>
          <SignOutButton />
        </span>
      </header>
      <main id="main" className="page">
        <h1>Security info</h1>
        <p className="lead">These are the methods you use to sign into your account.</p>
        <SecurityInfoView
          email={info.email}
          initialPasskeys={info.passkeys}
          maxPasskeys={info.maxPasskeys}
          passkeysEnabled={info.passkeysEnabled}
          tap={info.tap}
          signals={info.signals}
          methods={info.methods}
        />
        <SignOutEverywhere />
        <SessionEnded />
      </main>
    </>
  );
}
