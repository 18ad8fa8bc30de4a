import { describe, expect, it } from "vitest";
import { campaignPrompt, snoozeEnd, type CampaignPromptPolicy, type CampaignPromptUser } from "@/server/campaign/campaign-prompt";

const DAY = 86_400_000;
const START = new Date("2026-11-25T09:00:00.000Z");
const at = (ms: number) => new Date(START.getTime() + ms);

const policy: CampaignPromptPolicy = { campaignEnabled: true, campaignSnoozeDays: 1, campaignSkipLimit: 3, passkeysEnabled: true };
const newUser: CampaignPromptUser = { passkeyCount: 0, campaignSkips: 0, campaignSnoozedUntil: null };
const mfa = { mfa: true };

/** What the server does on "Not now" at `now`. */
function skip(user: CampaignPromptUser, now: Date, days = policy.campaignSnoozeDays): CampaignPromptUser {
  return { ...user, campaignSkips: user.campaignSkips + 1, campaignSnoozedUntil: snoozeEnd(now, days) };
}

describe("campaignPrompt", () => {
  it("prompts a new user after a multifactor sign-in, skippable with every skip left", () => {
    expect(campaignPrompt({ policy, user: newUser, session: mfa, now: START })).toEqual({ skippable: true, skipsLeft: 3 });
  });

  it("hides the prompt for the configured days after Not now and shows it again after", () => {
    const threeDays = { ...policy, campaignSnoozeDays: 3 };
    const user = skip(newUser, START, 3);
    expect(campaignPrompt({ policy: threeDays, user, session: mfa, now: at(1) })).toBeNull();
    expect(campaignPrompt({ policy: threeDays, user, session: mfa, now: at(3 * DAY - 1) })).toBeNull();
    expect(campaignPrompt({ policy: threeDays, user, session: mfa, now: at(3 * DAY) })).toEqual({ skippable: true, skipsLeft: 2 });
    expect(campaignPrompt({ policy: threeDays, user, session: mfa, now: at(10 * DAY) })).toEqual({ skippable: true, skipsLeft: 2 });
  });

  it("counts down the skips and stops at the limit: then it cannot be skipped and shows despite a snooze", () => {
    let user = newUser;
    let now = START;
    const seen: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      seen.push(campaignPrompt({ policy, user, session: mfa, now }));
      user = skip(user, now);
      now = at((i + 1) * DAY);
    }
    expect(seen).toEqual([
      { skippable: true, skipsLeft: 3 },
      { skippable: true, skipsLeft: 2 },
      { skippable: true, skipsLeft: 1 },
    ]);
    expect(user.campaignSkips).toBe(3);
    // The last skip's snooze is still running, yet the prompt shows and cannot be skipped.
    expect(user.campaignSnoozedUntil!.getTime()).toBeGreaterThan(at(2 * DAY + 1).getTime());
    expect(campaignPrompt({ policy, user, session: mfa, now: at(2 * DAY + 1) })).toEqual({ skippable: false, skipsLeft: 0 });
    expect(campaignPrompt({ policy, user, session: mfa, now: at(30 * DAY) })).toEqual({ skippable: false, skipsLeft: 0 });
  });

  it("treats skips beyond a lowered limit as the limit reached", () => {
    const user = { ...newUser, campaignSkips: 5 };
    expect(campaignPrompt({ policy, user, session: mfa, now: START })).toEqual({ skippable: false, skipsLeft: 0 });
  });

  it("cannot be skipped at all when the limit is 0", () => {
    expect(campaignPrompt({ policy: { ...policy, campaignSkipLimit: 0 }, user: newUser, session: mfa, now: START })).toEqual({
      skippable: false,
      skipsLeft: 0,
    });
  });

  it("with 0 days between prompts, prompts again at the very next sign-in", () => {
    const noRest = { ...policy, campaignSnoozeDays: 0 };
    const user = skip(newUser, START, 0);
    expect(user.campaignSnoozedUntil).toEqual(START);
    expect(campaignPrompt({ policy: noRest, user, session: mfa, now: at(1) })).toEqual({ skippable: true, skipsLeft: 2 });
  });

  it("never prompts a user who has a passkey, even with the limit reached", () => {
    const user = { ...newUser, passkeyCount: 1, campaignSkips: 3 };
    expect(campaignPrompt({ policy, user, session: mfa, now: START })).toBeNull();
  });

  it("never prompts after a single-factor sign-in, which could not add a passkey", () => {
    expect(campaignPrompt({ policy, user: newUser, session: { mfa: false }, now: START })).toBeNull();
    expect(campaignPrompt({ policy, user: { ...newUser, campaignSkips: 3 }, session: { mfa: false }, now: START })).toBeNull();
  });

  it("never prompts while the campaign is off, or while passkeys may not be added", () => {
    const limitReached = { ...newUser, campaignSkips: 3 };
    expect(campaignPrompt({ policy: { ...policy, campaignEnabled: false }, user: limitReached, session: mfa, now: START })).toBeNull();
    expect(campaignPrompt({ policy: { ...policy, passkeysEnabled: false }, user: newUser, session: mfa, now: START })).toBeNull();
  });
});
