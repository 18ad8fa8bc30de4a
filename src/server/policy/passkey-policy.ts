import "server-only";
import { CampaignSettings, UpdateCampaignSettingsBody } from "@/contracts/policy";
import { recordAudit, type AuditContext } from "../audit";
import { getDb, type Tx } from "../db";

/**
 * The passkey policy the portal enforces. Administrators will edit it (stored in PostgreSQL);
 * until then these are the defaults every organisation starts from.
 */
export interface PasskeyPolicy {
  /** Whether users may register passkeys at all. */
  enabled: boolean;
  /** Most passkeys one user may have (1-10). */
  maxPasskeysPerUser: number;
}

export const DEFAULT_PASSKEY_POLICY: PasskeyPolicy = Object.freeze({
  enabled: true,
  maxPasskeysPerUser: 10,
});

export async function getPasskeyPolicy(): Promise<PasskeyPolicy> {
  return DEFAULT_PASSKEY_POLICY;
}

/** The registration campaign part of the policy row, with the row's version. */
export interface CampaignPolicy extends CampaignSettings {
  version: number;
}

/** What the migration seeds; used again if the row has gone missing. */
export const DEFAULT_CAMPAIGN_SETTINGS: CampaignSettings = Object.freeze({
  campaignEnabled: true,
  campaignSnoozeDays: 1,
  campaignSkipLimit: 3,
});

/** The policy is a single row with this id. */
const POLICY_ID = 1;

const campaignSelect = {
  campaignEnabled: true,
  campaignSnoozeDays: true,
  campaignSkipLimit: true,
  version: true,
} as const;

/**
 * The campaign settings from the policy row. A missing row (deleted by hand) is recreated with the
 * defaults, so the campaign keeps its documented behaviour instead of failing every sign-in.
 */
export async function getCampaignPolicy(tx: Tx | null = null): Promise<CampaignPolicy> {
  const db = tx ?? getDb();
  const row = await db.passkeyPolicy.findUnique({ where: { id: POLICY_ID }, select: campaignSelect });
  return toCampaignPolicy(row ?? (await recreatePolicyRow(db)));
}

async function recreatePolicyRow(db: Tx) {
  // ON CONFLICT: two requests finding the row missing at once must not both fail on the key (a
  // Prisma upsert here is a read then an insert, which races).
  const { campaignEnabled, campaignSnoozeDays, campaignSkipLimit } = DEFAULT_CAMPAIGN_SETTINGS;
  await db.$executeRaw`
    INSERT INTO "PasskeyPolicy" ("id", "campaignEnabled", "campaignSnoozeDays", "campaignSkipLimit")
    VALUES (${POLICY_ID}, ${campaignEnabled}, ${campaignSnoozeDays}, ${campaignSkipLimit})
    ON CONFLICT ("id") DO NOTHING`;
  return db.passkeyPolicy.findUniqueOrThrow({ where: { id: POLICY_ID }, select: campaignSelect });
}

function toCampaignPolicy(row: CampaignPolicy): CampaignPolicy {
  // Values edited outside the app (by hand in SQL) are checked like an administrator's input.
  const parsed = CampaignSettings.safeParse(row);
  if (!parsed.success) {
    console.error("Passkey policy row holds invalid campaign settings; using the defaults", parsed.error.issues);
    return { ...DEFAULT_CAMPAIGN_SETTINGS, version: row.version };
  }
  return { ...parsed.data, version: row.version };
}

/**
 * Changes some of the campaign settings, bumps the policy version and records "policy.updated"
 * with the settings before and after, all in one transaction. The caller authorises the actor
 * (an administrator).
 * @throws ZodError (400 INVALID_REQUEST) for settings out of range or unknown fields
 */
export async function updateCampaignSettings(
  input: unknown,
  actor: { userId: string },
  ctx: AuditContext,
): Promise<CampaignPolicy> {
  const change = UpdateCampaignSettingsBody.parse(input);
  return getDb().$transaction(async (tx) => {
    await recreatePolicyRow(tx);
    // Row lock: two administrators saving at once take turns, so each audit's "before" is true.
    await tx.$queryRaw`SELECT 1 FROM "PasskeyPolicy" WHERE "id" = ${POLICY_ID} FOR UPDATE`;
    const before = await getCampaignPolicy(tx);
    const row = await tx.passkeyPolicy.update({
      where: { id: POLICY_ID },
      data: { ...change, version: { increment: 1 } },
      select: campaignSelect,
    });
    const after = toCampaignPolicy(row);
    await recordAudit(tx, ctx, {
      type: "policy.updated",
      outcome: "success",
      actorId: actor.userId,
      details: { before: settingsOf(before), after: settingsOf(after), version: after.version },
    });
    return after;
  });
}

function settingsOf(policy: CampaignPolicy): CampaignSettings {
  return {
    campaignEnabled: policy.campaignEnabled,
    campaignSnoozeDays: policy.campaignSnoozeDays,
    campaignSkipLimit: policy.campaignSkipLimit,
  };
}
