import "server-only";
import { cache } from "react";
import {
  CampaignSettings,
  PasskeyPolicyFields,
  PasskeyPolicySettings,
  UpdateCampaignSettingsBody,
  UpdatePasskeyPolicyBody,
  type PasskeyPolicyResponse,
} from "@/contracts/policy";
import { Prisma } from "@/generated/prisma/client";
import { recordAudit, type AuditContext } from "../audit";
import { getConfig } from "../config";
import { getDb, type Tx } from "../db";
import { AppError } from "../errors";
import { getLoadedMetadata } from "../webauthn/metadata/loaded-metadata";

/**
 * The passkey policy the portal enforces at registration and sign-in, read from the single
 * PasskeyPolicy row. The selected users of a "selected" target are not part of it: ask
 * isUserTargeted() for the one user a request is about.
 */
export interface PasskeyPolicy {
  /** Whether passkeys may be registered and used at all. */
  enabled: boolean;
  /** Whether users may add passkeys themselves. */
  selfServiceSetup: boolean;
  target: "all" | "selected";
  /** false = device-bound only. */
  syncedAllowed: boolean;
  keyRestriction: "off" | "allow" | "block";
  /** Lower-case AAGUIDs the key restriction lists. */
  aaguids: string[];
  userVerification: "required" | "preferred";
  /** Most passkeys one user may have (1-10). */
  maxPasskeysPerUser: number;
  /** Only passkeys whose attestation verified against the loaded FIDO metadata are accepted. */
  enforceAttestation: boolean;
  version: number;
}

export const DEFAULT_PASSKEY_POLICY: Omit<PasskeyPolicy, "version"> = Object.freeze({
  enabled: true,
  selfServiceSetup: true,
  target: "all",
  syncedAllowed: true,
  keyRestriction: "off",
  aaguids: [],
  userVerification: "preferred",
  maxPasskeysPerUser: 10,
  enforceAttestation: false,
});

const policySelect = {
  enabled: true,
  selfServiceSetup: true,
  target: true,
  syncedAllowed: true,
  keyRestriction: true,
  aaguids: true,
  userVerification: true,
  maxPasskeys: true,
  enforceAttestation: true,
  campaignEnabled: true,
  campaignSnoozeDays: true,
  campaignSkipLimit: true,
  version: true,
  updatedAt: true,
} as const;

type PolicyRow = {
  enabled: boolean;
  selfServiceSetup: boolean;
  target: string;
  syncedAllowed: boolean;
  keyRestriction: string;
  aaguids: string[];
  userVerification: string;
  maxPasskeys: number;
  enforceAttestation: boolean;
  campaignEnabled: boolean;
  campaignSnoozeDays: number;
  campaignSkipLimit: number;
  version: number;
  updatedAt: Date;
};

/**
 * The policy from its row, read at most once per request. A row edited outside the app into an
 * invalid state falls back to the defaults rather than failing every ceremony. The configured
 * WEBAUTHN_USER_VERIFICATION=required still holds whatever the row says: the stricter one wins.
 */
export const getPasskeyPolicy = cache(async (): Promise<PasskeyPolicy> => toPasskeyPolicy(await getPolicyRow()));

/** The policy row, read once per request however many parts of the policy the request needs. */
const getPolicyRow = cache((): Promise<PolicyRow> => readPolicyRow(getDb()));

async function readPolicyRow(db: Tx): Promise<PolicyRow> {
  const row = await db.passkeyPolicy.findUnique({ where: { id: POLICY_ID }, select: policySelect });
  if (row) return row;
  await recreatePolicyRow(db);
  return db.passkeyPolicy.findUniqueOrThrow({ where: { id: POLICY_ID }, select: policySelect });
}

/**
 * The policy row as one JSON value, to read in the same statement as other work (one round trip
 * fewer on the sign-in path); policyFromRowJson turns it into the policy.
 */
export function policyRowJsonSql(): Prisma.Sql {
  return Prisma.sql`(SELECT json_build_object(${Prisma.join(
    Object.keys(policySelect).map((column) => Prisma.sql`${column}::text, ${Prisma.raw(`"${column}"`)}`),
  )}) FROM "PasskeyPolicy" WHERE "id" = ${POLICY_ID})`;
}

/** The policy from policyRowJsonSql's value; without a row, the usual read (which recreates it). */
export async function policyFromRowJson(json: unknown): Promise<PasskeyPolicy> {
  if (!json || typeof json !== "object") return getPasskeyPolicy();
  const row = json as Omit<PolicyRow, "updatedAt"> & { updatedAt: string };
  return toPasskeyPolicy({ ...row, updatedAt: new Date(row.updatedAt) });
}

function toPasskeyPolicy(row: PolicyRow): PasskeyPolicy {
  const settings = settingsOfRow(row);
  const base = settings ?? defaultSettings();
  const configRequired = getConfig().userVerification === "required";
  return {
    enabled: base.enabled,
    selfServiceSetup: base.selfServiceSetup,
    target: base.target,
    syncedAllowed: base.syncedAllowed,
    keyRestriction: base.keyRestriction,
    aaguids: base.aaguids,
    userVerification: configRequired ? "required" : base.userVerification,
    maxPasskeysPerUser: base.maxPasskeys,
    enforceAttestation: base.enforceAttestation,
    version: row.version,
  };
}

/**
 * What a stored row's settings must be. Made once: a schema built per call is compiled again by zod
 * on its first parse, which cost more than the rest of a sign-in's policy work.
 */
const RowSettings = PasskeyPolicyFields.omit({ targetUserIds: true });

/** The row's settings (without the selected users), or null when a hand edit left it invalid. */
function settingsOfRow(row: PolicyRow): Omit<PasskeyPolicySettings, "targetUserIds"> | null {
  const parsed = RowSettings.safeParse({
    enabled: row.enabled,
    selfServiceSetup: row.selfServiceSetup,
    target: row.target,
    syncedAllowed: row.syncedAllowed,
    keyRestriction: row.keyRestriction,
    aaguids: row.aaguids,
    userVerification: row.userVerification,
    maxPasskeys: row.maxPasskeys,
    enforceAttestation: row.enforceAttestation,
    campaignEnabled: row.campaignEnabled,
    campaignSnoozeDays: row.campaignSnoozeDays,
    campaignSkipLimit: row.campaignSkipLimit,
  });
  if (!parsed.success) {
    console.error("Passkey policy row holds invalid settings; using the defaults", parsed.error.issues);
    return null;
  }
  return parsed.data;
}

/** What deciding on one user's passkeys needs: the policy and whether it targets the user. */
export interface UserPolicyAccess {
  policy: PasskeyPolicy;
  targeted: boolean;
}

export async function getUserPolicyAccess(userId: string): Promise<UserPolicyAccess> {
  const policy = await getPasskeyPolicy();
  return { policy, targeted: await isUserTargeted(policy, userId) };
}

function defaultSettings(): Omit<PasskeyPolicySettings, "targetUserIds"> {
  const { maxPasskeysPerUser, ...rest } = DEFAULT_PASSKEY_POLICY;
  return { ...rest, ...DEFAULT_CAMPAIGN_SETTINGS, maxPasskeys: maxPasskeysPerUser, aaguids: [] };
}

/**
 * Whether a "selected" policy lists the user whose id is `userId` (SQL), as a SQL boolean to read in
 * the same statement as other work; with the policy, targetedWhenListed gives isUserTargeted's
 * answer.
 */
export function userListedForPolicySql(userId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`EXISTS (SELECT 1 FROM "PasskeyPolicyTarget" AS "listed" WHERE "listed"."userId" = ${userId})`;
}

/** Whether the policy targets a user, given whether its list of selected users holds them. */
export function targetedWhenListed(policy: PasskeyPolicy, listed: boolean): boolean {
  return policy.target === "all" || listed;
}

/** Whether a "selected" policy lists this user (always true for a policy targeting all users). */
export async function isUserTargeted(policy: PasskeyPolicy, userId: string, tx: Tx | null = null): Promise<boolean> {
  if (targetedWhenListed(policy, false)) return true;
  const row = await (tx ?? getDb()).passkeyPolicyTarget.findUnique({ where: { userId }, select: { userId: true } });
  return row !== null;
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
  const row = tx ? await readPolicyRow(tx) : await getPolicyRow();
  const { campaignEnabled, campaignSnoozeDays, campaignSkipLimit, version } = row;
  return toCampaignPolicy({ campaignEnabled, campaignSnoozeDays, campaignSkipLimit, version });
}

async function recreatePolicyRow(db: Tx): Promise<void> {
  // ON CONFLICT: two requests finding the row missing at once must not both fail on the key (a
  // Prisma upsert here is a read then an insert, which races).
  const { campaignEnabled, campaignSnoozeDays, campaignSkipLimit } = DEFAULT_CAMPAIGN_SETTINGS;
  await db.$executeRaw`
    INSERT INTO "PasskeyPolicy" ("id", "campaignEnabled", "campaignSnoozeDays", "campaignSkipLimit")
    VALUES (${POLICY_ID}, ${campaignEnabled}, ${campaignSnoozeDays}, ${campaignSkipLimit})
    ON CONFLICT ("id") DO NOTHING`;
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

/** The whole policy for the admin page: every setting, the selected users, and the version. */
export async function getPasskeyPolicyForAdmin(tx: Tx | null = null): Promise<PasskeyPolicyResponse> {
  const db = tx ?? getDb();
  const [row, targets] = await Promise.all([
    readPolicyRow(db),
    db.passkeyPolicyTarget.findMany({
      select: { user: { select: { id: true, email: true, displayName: true } } },
      orderBy: { user: { email: "asc" } },
    }),
  ]);
  const settings = settingsOfRow(row) ?? defaultSettings();
  const targetUsers = targets.map((t) => t.user);
  return {
    version: row.version,
    updatedAt: row.updatedAt.toISOString(),
    policy: { ...settings, targetUserIds: targetUsers.map((u) => u.id) },
    targetUsers,
  };
}

/**
 * Replaces the whole policy, bumps its version and records "policy.updated" with each changed
 * setting's before and after, in one transaction. `version` must be the one the administrator
 * edited: a save made meanwhile by someone else is never overwritten silently.
 * @throws ZodError (400 INVALID_REQUEST), POLICY_CONFLICT (stale version), USER_NOT_FOUND (a
 *   selected user does not exist), ATTESTATION_METADATA_UNAVAILABLE (enforced attestation while no
 *   FIDO metadata blob is loaded)
 */
export async function updatePasskeyPolicy(
  input: unknown,
  actor: { userId: string },
  ctx: AuditContext,
): Promise<PasskeyPolicyResponse> {
  const { version, policy } = UpdatePasskeyPolicyBody.parse(input);
  // Without metadata nothing can verify, so enforcing would refuse every new passkey. Turning
  // enforcement off is always allowed.
  if (policy.enforceAttestation && !getLoadedMetadata()) {
    throw new AppError(
      "ATTESTATION_METADATA_UNAVAILABLE",
      "Attestation can't be enforced because no FIDO metadata blob is loaded. Set MDS_BLOB_PATH to a blob file and restart the server, then try again.",
    );
  }
  return getDb().$transaction(async (tx) => {
    await recreatePolicyRow(tx);
    // Row lock: two saves take turns, so the version check and the audit's "before" hold.
    await tx.$queryRaw`SELECT 1 FROM "PasskeyPolicy" WHERE "id" = ${POLICY_ID} FOR UPDATE`;
    const before = await getPasskeyPolicyForAdmin(tx);
    if (before.version !== version) {
      throw new AppError(
        "POLICY_CONFLICT",
        "Someone else saved the policy while you were editing it. Reload the page to see their changes, then save again.",
      );
    }
    const targetUserIds = policy.target === "selected" ? policy.targetUserIds : [];
    const found = await tx.user.count({ where: { id: { in: targetUserIds } } });
    if (found !== targetUserIds.length) throw new AppError("USER_NOT_FOUND", "One of the selected users no longer exists.");

    await tx.passkeyPolicy.update({
      where: { id: POLICY_ID },
      data: {
        enabled: policy.enabled,
        selfServiceSetup: policy.selfServiceSetup,
        target: policy.target,
        syncedAllowed: policy.syncedAllowed,
        keyRestriction: policy.keyRestriction,
        aaguids: policy.aaguids,
        userVerification: policy.userVerification,
        maxPasskeys: policy.maxPasskeys,
        enforceAttestation: policy.enforceAttestation,
        campaignEnabled: policy.campaignEnabled,
        campaignSnoozeDays: policy.campaignSnoozeDays,
        campaignSkipLimit: policy.campaignSkipLimit,
        version: { increment: 1 },
      },
    });
    await tx.passkeyPolicyTarget.deleteMany({});
    if (targetUserIds.length > 0) {
      await tx.passkeyPolicyTarget.createMany({ data: targetUserIds.map((userId) => ({ userId })) });
    }
    const after = await getPasskeyPolicyForAdmin(tx);
    await recordAudit(tx, ctx, {
      type: "policy.updated",
      outcome: "success",
      actorId: actor.userId,
      details: { version: after.version, changes: policyChanges(before.policy, after.policy) },
    });
    return after;
  });
}

type PolicyValue = PasskeyPolicySettings[keyof PasskeyPolicySettings];

/** Each setting whose value differs, as { before, after }; lists compare as sets. */
export function policyChanges(
  before: PasskeyPolicySettings,
  after: PasskeyPolicySettings,
): Record<string, { before: PolicyValue; after: PolicyValue }> {
  const changes: Record<string, { before: PolicyValue; after: PolicyValue }> = {};
  for (const key of Object.keys(after) as (keyof PasskeyPolicySettings)[]) {
    const a = before[key];
    const b = after[key];
    const same = Array.isArray(a) && Array.isArray(b) ? [...a].sort().join() === [...b].sort().join() : a === b;
    if (!same) changes[key] = { before: a, after: b };
  }
  return changes;
}
