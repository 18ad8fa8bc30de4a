import "server-only";
import type { CampaignSettings } from "@/contracts/policy";

/** The policy as the campaign sees it: its own settings and whether passkeys may be added at all. */
export interface CampaignPromptPolicy extends CampaignSettings {
  passkeysEnabled: boolean;
}

export interface CampaignPromptUser {
  passkeyCount: number;
  campaignSkips: number;
  campaignSnoozedUntil: Date | null;
}

export interface CampaignPromptSession {
  /** Whether the current sign-in was multifactor (only such a session may add a passkey). */
  mfa: boolean;
}

export interface CampaignPromptShown {
  /** Whether "Not now" is offered. */
  skippable: boolean;
  /** How many more times the user may choose "Not now". */
  skipsLeft: number;
}

/**
 * Whether the passkey registration prompt shows after sign-in, and whether it may be skipped.
 * null: it does not show (campaign off, passkeys not allowed, the user has one, a single-factor
 * session that could not add one anyway, or a "Not now" still resting). Once the user has used
 * up their skips it always shows, snoozed or not: the organisation then requires a passkey.
 */
export function campaignPrompt({
  policy,
  user,
  session,
  now,
}: {
  policy: CampaignPromptPolicy;
  user: CampaignPromptUser;
  session: CampaignPromptSession;
  now: Date;
}): CampaignPromptShown | null {
  if (!policy.campaignEnabled || !policy.passkeysEnabled) return null;
  if (user.passkeyCount > 0 || !session.mfa) return null;
  const skipsLeft = Math.max(0, policy.campaignSkipLimit - user.campaignSkips);
  if (skipsLeft === 0) return { skippable: false, skipsLeft: 0 };
  if (user.campaignSnoozedUntil && user.campaignSnoozedUntil.getTime() > now.getTime()) return null;
  return { skippable: true, skipsLeft };
}

/** When a "Not now" chosen at `now` stops resting. */
export function snoozeEnd(now: Date, snoozeDays: number): Date {
  return new Date(now.getTime() + snoozeDays * 86_400_000);
}
