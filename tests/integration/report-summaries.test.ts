// The report summaries (docs/decisions/018-report-summaries.md) against the full aggregates they
// replace: the totals, provider counts, per-day counts and registration filters read from the
// trigger-kept summaries must equal what a scan of every user, passkey and audit event gives, on a
// varied data set, after registrations, deletions, method changes and policy changes.
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  RegistrationFilterQuery,
  type RegistrationFilterQuery as Filter,
  type RegistrationMethodFilter,
  type RegistrationTotals,
  type YesNoFilter,
} from "@/contracts/admin-reports";
import type { PasskeyPolicySettings } from "@/contracts/policy";
import { Prisma } from "@/generated/prisma/client";
import { getReportActivity } from "@/server/admin/reports/get-report-activity";
import { getRegistrationTotals } from "@/server/admin/reports/get-registration-totals";
import { listRegistrations } from "@/server/admin/reports/list-registrations";
import { getDb } from "@/server/db";
import { acceptedPasskeySql } from "@/server/policy/accepted-passkey-sql";
import { getPasskeyPolicy, type PasskeyPolicy } from "@/server/policy/passkey-policy";
import { likePrefix } from "@/server/sql-like";
import { restoreDefaultPasskeyPolicy, setPasskeyPolicy } from "../fixtures/admin-policy";
import { deleteReportUsers, makeReportUser, seedReportEvents, uniqueSearchPrefix } from "../fixtures/admin-reports";
import { makeUsers, storePasskey } from "../fixtures/admin-users";

const GOOGLE = "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4";
const ICLOUD = "fbfc3007-154e-4ecc-8c0b-6e020557d7bd";
const YUBIKEY = "cb69481e-8ff7-4039-93ec-0a2729a154a8";
const WINDOWS_HELLO = "08987058-cadc-4b81-b6e1-30de50dcbe96";
const UNKNOWN = "00000000-1111-2222-3333-444444444444";

const METHODS: RegistrationMethodFilter[] = ["any", "passkey", "password", "authenticator-app", "tap", "none"];
const YES_NO: YesNoFilter[] = ["any", "yes", "no"];
const prefixes: string[] = [];
/** The exhaustive comparisons run some thousand report queries: a few seconds alone, more on a busy machine. */
const EXHAUSTIVE_MS = 120_000;

afterEach(restoreDefaultPasskeyPolicy);
afterAll(async () => {
  for (const prefix of prefixes) await deleteReportUsers(prefix);
});

// ---- The reference: the full aggregates the reports ran before the summaries. ----

async function referenceTotals(policy: PasskeyPolicy): Promise<RegistrationTotals> {
  const [row] = await getDb().$queryRaw<RegistrationTotals[]>`
    WITH pk AS (
      SELECT p."userId", bool_or(${acceptedPasskeySql(policy)}) AS "accepted" FROM "Passkey" AS p GROUP BY p."userId"
    ), app AS (
      SELECT a."userId" FROM "AuthenticatorApp" AS a WHERE a."confirmedAt" IS NOT NULL
    )
    SELECT count(*)::int AS "users", count(pk."userId")::int AS "withPasskey",
      (count(*) FILTER (WHERE u."passwordHash" IS NOT NULL))::int AS "withPassword",
      count(app."userId")::int AS "withAuthenticatorApp",
      (count(*) FILTER (WHERE pk."accepted"))::int AS "passwordlessCapable",
      (count(*) FILTER (WHERE pk."accepted" OR (u."passwordHash" IS NOT NULL AND app."userId" IS NOT NULL)))::int AS "mfaCapable"
    FROM "User" AS u LEFT JOIN pk ON pk."userId" = u."id" LEFT JOIN app ON app."userId" = u."id"`;
  return row!;
}

function referenceConditions(filter: Filter, policy: PasskeyPolicy, now: Date): Prisma.Sql {
  const hasPasskey = Prisma.sql`EXISTS (SELECT 1 FROM "Passkey" AS p WHERE p."userId" = u."id")`;
  const passwordless = Prisma.sql`EXISTS (SELECT 1 FROM "Passkey" AS p WHERE p."userId" = u."id" AND ${acceptedPasskeySql(policy)})`;
  const hasPassword = Prisma.sql`(u."passwordHash" IS NOT NULL)`;
  const hasApp = Prisma.sql`EXISTS (SELECT 1 FROM "AuthenticatorApp" AS a WHERE a."userId" = u."id" AND a."confirmedAt" IS NOT NULL)`;
  const hasTap = Prisma.sql`EXISTS (SELECT 1 FROM "TemporaryAccessPass" AS t WHERE t."userId" = u."id"
    AND t."expiresAt" > ${now} AND NOT (t."oneTime" AND t."usedAt" IS NOT NULL))`;
  const mfa = Prisma.sql`(${passwordless} OR (${hasPassword} AND ${hasApp}))`;
  const conditions: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (filter.q) conditions.push(Prisma.sql`u."email" LIKE ${likePrefix(filter.q.toLowerCase())}`);
  const byMethod: Record<RegistrationMethodFilter, Prisma.Sql> = {
    any: Prisma.sql`TRUE`,
    passkey: hasPasskey,
    password: hasPassword,
    "authenticator-app": hasApp,
    tap: hasTap,
    none: Prisma.sql`NOT ${hasPasskey} AND NOT ${hasPassword} AND NOT ${hasApp}`,
  };
  conditions.push(byMethod[filter.method]);
  if (filter.passwordless !== "any") conditions.push(filter.passwordless === "yes" ? passwordless : Prisma.sql`NOT ${passwordless}`);
  if (filter.mfa !== "any") conditions.push(filter.mfa === "yes" ? mfa : Prisma.sql`NOT ${mfa}`);
  return Prisma.join(conditions, " AND ");
}

async function referenceRegistrations(filter: Filter, policy: PasskeyPolicy, now: Date, pageSize: number) {
  const where = referenceConditions(filter, policy, now);
  const [counted, rows] = await Promise.all([
    getDb().$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM "User" AS u WHERE ${where}`,
    getDb().$queryRaw<Array<{ id: string }>>`SELECT u."id"::text AS "id" FROM "User" AS u WHERE ${where} ORDER BY u."email", u."id" LIMIT ${pageSize}`,
  ]);
  return { matching: counted[0]!.n, ids: rows.map((row) => row.id) };
}

/** Passkeys that exist now by lower-case AAGUID and synced or not. */
async function referencePasskeyKinds(): Promise<Record<string, number>> {
  const rows = await getDb().$queryRaw<Array<{ key: string; n: number }>>`
    SELECT lower(p."aaguid") || ':' || (p."deviceType" = 'multiDevice'::"CredentialDeviceType")::text AS "key", count(*)::int AS "n"
    FROM "Passkey" AS p GROUP BY 1`;
  return Object.fromEntries(rows.map((row) => [row.key, row.n]));
}

async function summaryPasskeyKinds(): Promise<Record<string, number>> {
  const rows = await getDb().$queryRaw<Array<{ key: string; n: number }>>`
    SELECT k."aaguid" || ':' || (k."deviceType" = 'multiDevice'::"CredentialDeviceType")::text AS "key", sum(c."passkeys")::int AS "n"
    FROM "PasskeyKindCount" AS c JOIN "PasskeyKind" AS k ON k."id" = c."kindId" GROUP BY 1 HAVING sum(c."passkeys") <> 0`;
  return Object.fromEntries(rows.map((row) => [row.key, row.n]));
}

type DayRow = { day: string; registrations: number; passkey: number; passwordAndApp: number; password: number; tap: number };

async function referenceDays(from: string, to: string): Promise<DayRow[]> {
  const rows = await getDb().$queryRaw<DayRow[]>`
    SELECT to_char(g."d", 'YYYY-MM-DD') AS "day",
      (count(e."id") FILTER (WHERE e."type" = 'passkey.registration'))::int AS "registrations",
      (count(e."id") FILTER (WHERE e."type" = 'passkey.authentication'))::int AS "passkey",
      (count(e."id") FILTER (WHERE e."type" = 'password.signin' AND COALESCE(e."details" -> 'factors' @> '"totp"'::jsonb, false)))::int AS "passwordAndApp",
      (count(e."id") FILTER (WHERE e."type" = 'password.signin' AND NOT COALESCE(e."details" -> 'factors' @> '"totp"'::jsonb, false)))::int AS "password",
      (count(e."id") FILTER (WHERE e."type" = 'tap.signin'))::int AS "tap"
    FROM generate_series(${from}::date, ${to}::date, interval '1 day') AS g ("d")
    LEFT JOIN "AuditEvent" AS e ON e."at" >= g."d" AND e."at" < g."d" + interval '1 day' AND e."outcome" = 'success'
      AND e."type" IN ('passkey.registration', 'passkey.authentication', 'password.signin', 'tap.signin')
    GROUP BY g."d" ORDER BY g."d"`;
  return rows;
}

async function reportedDays(from: string, to: string): Promise<DayRow[]> {
  const activity = await getReportActivity({ from, to });
  return activity.registrations.map((r, i) => ({ ...activity.signIns[i]!, day: r.day, registrations: r.passkeys }));
}

// ---- The comparison ----

/** Every report figure from the summaries equals the reference, under the current policy. */
async function expectExact(label: string, { prefix, grid = "unprefixed" }: { prefix: string; grid?: "unprefixed" | "both" }) {
  const policy = await getPasskeyPolicy();
  const now = new Date();
  expect({ label, totals: await getRegistrationTotals() }).toEqual({ label, totals: await referenceTotals(policy) });
  expect({ label, kinds: await summaryPasskeyKinds() }).toEqual({ label, kinds: await referencePasskeyKinds() });
  const activity = await getReportActivity({});
  const all = await getDb().passkey.count({ where: { deviceType: "multiDevice" } });
  expect({ label, synced: activity.deviceTypes.synced }).toEqual({ label, synced: all });
  expect({ label, totals: activity.totals }).toEqual({ label, totals: await referenceTotals(policy) });

  const queries = grid === "both" ? ["", prefix] : [""];
  for (const q of queries) {
    for (const method of METHODS) {
      for (const passwordless of YES_NO) {
        for (const mfa of YES_NO) {
          const filter = RegistrationFilterQuery.parse({ q, method, passwordless, mfa });
          const got = await listRegistrations(filter, { pageSize: 20, now });
          const want = await referenceRegistrations(filter, policy, now, 20);
          expect({ label, filter, matching: got.matching, ids: got.users.map((u) => u.id) }).toEqual({ label, filter, ...want });
        }
      }
    }
  }
}

const POLICIES = (targets: string[]): Array<Partial<PasskeyPolicySettings>> => [
  {},
  { enabled: false },
  { target: "selected", targetUserIds: targets },
  { syncedAllowed: false },
  { keyRestriction: "allow", aaguids: [YUBIKEY, WINDOWS_HELLO] },
  { keyRestriction: "block", aaguids: [GOOGLE] },
  { enforceAttestation: true },
  { syncedAllowed: false, keyRestriction: "block", aaguids: [YUBIKEY], target: "selected", targetUserIds: targets.slice(1) },
];

/** Users with every mix of methods the definitions care about. */
async function makeVariedUsers(prefix: string) {
  const users = [
    await makeReportUser(prefix, "none"),
    await makeReportUser(prefix, "synced", { passkeys: [{ aaguid: GOOGLE }] }),
    await makeReportUser(prefix, "upper", { passkeys: [{ aaguid: ICLOUD.toUpperCase() }] }),
    await makeReportUser(prefix, "key-attested", { passkeys: [{ aaguid: YUBIKEY, synced: false, attestationVerified: true, attestationFormat: "packed" }] }),
    await makeReportUser(prefix, "key-unattested", { passkeys: [{ aaguid: YUBIKEY, synced: false }], password: true }),
    await makeReportUser(prefix, "hello-app", { passkeys: [{ aaguid: WINDOWS_HELLO, synced: false }], password: true, app: "confirmed" }),
    await makeReportUser(prefix, "mixed", { passkeys: [{ aaguid: GOOGLE }, { aaguid: WINDOWS_HELLO, synced: false }, { aaguid: GOOGLE }] }),
    await makeReportUser(prefix, "unknown", { passkeys: [{ aaguid: UNKNOWN, synced: false }], app: "unconfirmed" }),
    await makeReportUser(prefix, "password", { password: true }),
    await makeReportUser(prefix, "password-app", { password: true, app: "confirmed" }),
    await makeReportUser(prefix, "password-unconfirmed", { password: true, app: "unconfirmed" }),
    await makeReportUser(prefix, "app-only", { app: "confirmed" }),
    await makeReportUser(prefix, "tap", { tap: "usable" }),
    await makeReportUser(prefix, "tap-expired", { tap: "expired", password: true }),
    await makeReportUser(prefix, "tap-used", { tap: "used-one-time", passkeys: [{ aaguid: ICLOUD }] }),
  ];
  return Object.fromEntries(users.map((u) => [u.email.slice(prefix.length + 1).replace("@example.test", ""), u]));
}

function newPrefix(): string {
  const prefix = uniqueSearchPrefix();
  prefixes.push(prefix);
  return prefix;
}

describe("report summaries", () => {
  it("equal the full aggregates on a varied data set, under every policy", async () => {
    const prefix = newPrefix();
    const users = await makeVariedUsers(prefix);
    const targets = [users["key-attested"]!.id, users["mixed"]!.id, users["synced"]!.id, users["tap-used"]!.id];
    for (const change of POLICIES(targets)) {
      await restoreDefaultPasskeyPolicy();
      await setPasskeyPolicy(change);
      await expectExact(JSON.stringify(change), { prefix, grid: "both" });
    }
  }, EXHAUSTIVE_MS);

  it("follow registrations, deletions, method changes and user deletion in the same transaction", async () => {
    const prefix = newPrefix();
    const users = await makeVariedUsers(prefix);
    const db = getDb();
    const strict: Partial<PasskeyPolicySettings> = { syncedAllowed: false, enforceAttestation: true };
    const check = async (label: string) => {
      await restoreDefaultPasskeyPolicy();
      await expectExact(label, { prefix });
      await setPasskeyPolicy(strict);
      await expectExact(`${label}, strict policy`, { prefix });
    };

    await storePasskey(users["none"]!.id, { aaguid: YUBIKEY, synced: false, attestationVerified: true });
    await storePasskey(users["password"]!.id, { aaguid: GOOGLE });
    await check("after registrations");

    await db.passkey.deleteMany({ where: { userId: users["mixed"]!.id, aaguid: GOOGLE } });
    await db.passkey.deleteMany({ where: { userId: users["synced"]!.id } });
    await check("after passkey deletions");

    await db.user.update({ where: { id: users["password"]!.id }, data: { passwordHash: null } });
    await db.user.update({ where: { id: users["app-only"]!.id }, data: { passwordHash: "scrypt$x" } });
    await db.user.update({ where: { id: users["password-app"]!.id }, data: { passwordHash: "scrypt$changed", lastSignInAt: new Date() } });
    await db.authenticatorApp.update({ where: { userId: users["password-unconfirmed"]!.id }, data: { confirmedAt: new Date() } });
    await db.authenticatorApp.delete({ where: { userId: users["hello-app"]!.id } });
    await check("after password and app changes");

    // An attestation verified later, and a passkey moved to another user (neither happens in the app today).
    const key = await db.passkey.findFirstOrThrow({ where: { userId: users["key-unattested"]!.id } });
    await db.passkey.update({ where: { id: key.id }, data: { attestationVerified: true } });
    const hello = await db.passkey.findFirstOrThrow({ where: { userId: users["mixed"]!.id } });
    await db.passkey.update({ where: { id: hello.id }, data: { userId: users["tap"]!.id } });
    // What sign-in writes changes no summary.
    await db.passkey.update({ where: { id: key.id }, data: { counter: 7n, lastUsedAt: new Date(), backedUp: true, userVerified: true } });
    await check("after passkey updates");

    // An email changed: the prefix counts read UserCapability's copy of it.
    await db.user.update({ where: { id: users["password-unconfirmed"]!.id }, data: { email: `${prefix}-zz-renamed@example.test` } });
    await db.user.update({ where: { id: users["none"]!.id }, data: { email: `other-${prefix}@example.test` } });
    await expectExact("after email changes", { prefix, grid: "both" });

    await db.user.delete({ where: { id: users["key-attested"]!.id } });
    await db.user.deleteMany({ where: { id: { in: [users["upper"]!.id, users["password-app"]!.id] } } });
    await check("after deleting users (their passkeys and apps cascade)");
  }, EXHAUSTIVE_MS);

  it("follow the policy's selected users as they change", async () => {
    const prefix = newPrefix();
    const users = await makeVariedUsers(prefix);
    const ids = Object.values(users).map((u) => u.id);
    await setPasskeyPolicy({ target: "selected", targetUserIds: ids.slice(0, 5) });
    await expectExact("five selected", { prefix, grid: "both" });
    await setPasskeyPolicy({ target: "selected", targetUserIds: ids.slice(3) });
    await expectExact("the selection moved", { prefix, grid: "both" });
    await getDb().user.delete({ where: { id: ids[4]! } });
    await expectExact("a selected user deleted", { prefix });
    await setPasskeyPolicy({ target: "selected", targetUserIds: [] });
    await expectExact("nobody selected", { prefix });
  }, EXHAUSTIVE_MS);

  it("stay exact when one user's methods change in concurrent transactions", async () => {
    const prefix = newPrefix();
    const user = await makeReportUser(prefix, "busy", { passkeys: [{ aaguid: GOOGLE }, { aaguid: ICLOUD }] });
    const others = await Promise.all([1, 2, 3].map((i) => makeReportUser(prefix, `other-${i}`)));
    const existing = await getDb().passkey.findMany({ where: { userId: user.id } });
    await Promise.all([
      storePasskey(user.id, { aaguid: YUBIKEY, synced: false, attestationVerified: true }),
      storePasskey(user.id, { aaguid: WINDOWS_HELLO, synced: false }),
      getDb().passkey.delete({ where: { id: existing[0]!.id } }),
      getDb().user.update({ where: { id: user.id }, data: { passwordHash: "scrypt$y" } }),
      ...others.map((other) => storePasskey(other.id, { aaguid: GOOGLE })),
      ...others.map((other) => getDb().passkey.create({
        data: {
          userId: other.id, credentialId: randomBytes(16).toString("base64url"), publicKey: new Uint8Array(randomBytes(77)),
          aaguid: YUBIKEY, name: "Key", deviceType: "singleDevice", backedUp: false, attestationFormat: "packed", attestationVerified: true, transports: ["usb"],
        },
      })),
    ]);
    await expectExact("after concurrent changes", { prefix });
    await setPasskeyPolicy({ enforceAttestation: true });
    await expectExact("after concurrent changes, attestation enforced", { prefix });
  }, EXHAUSTIVE_MS);
});

describe("registration pages of few matching users", () => {
  it("reads them from their ids in the same (email, id) order, forward and back", async () => {
    const prefix = newPrefix();
    const users = await makeVariedUsers(prefix);
    await makeUsers(newPrefix(), 100);
    // About 9 of 115+ users are passwordless capable: 9² < 3 × 115, so the page is read from the
    // matching users' ids (list-registrations.ts).
    await setPasskeyPolicy({ target: "selected", targetUserIds: Object.values(users).map((u) => u.id) });
    const policy = await getPasskeyPolicy();
    const now = new Date();
    const filter = RegistrationFilterQuery.parse({ passwordless: "yes" });
    const want = await referenceRegistrations(filter, policy, now, 1000);
    expect(want.matching).toBeGreaterThan(6);
    const seen: string[] = [];
    let page = await listRegistrations(filter, { pageSize: 3, now });
    const pages = [page];
    seen.push(...page.users.map((u) => u.id));
    while (page.nextCursor) {
      page = await listRegistrations({ ...filter, after: page.nextCursor }, { pageSize: 3, now });
      pages.push(page);
      seen.push(...page.users.map((u) => u.id));
    }
    expect(seen).toEqual(want.ids);
    const back = await listRegistrations({ ...filter, before: pages.at(-1)!.previousCursor! }, { pageSize: 3, now });
    expect(back.users.map((u) => u.id)).toEqual(pages.at(-2)!.users.map((u) => u.id));
    expect(pages.every((p) => p.matching === want.matching)).toBe(true);
  });
});

describe("per-day counts", () => {
  it("keep ended days once and equal the audit log, including an event written later for a kept day", async () => {
    const prefix = newPrefix();
    const user = await makeReportUser(prefix, "days");
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    // Days long ended (kept), yesterday and today (counted live until settled).
    const [from, to] = [day(-40), day(0)];
    await seedReportEvents(user.id, [
      { at: `${day(-40)}T00:00:00.000Z`, type: "passkey.registration" },
      { at: `${day(-39)}T23:59:59.999Z`, type: "passkey.authentication" },
      { at: `${day(-39)}T12:00:00.000Z`, type: "password.signin", factors: ["password", "totp"] },
      { at: `${day(-20)}T08:00:00.000Z`, type: "password.signin" },
      { at: `${day(-20)}T09:00:00.000Z`, type: "tap.signin" },
      { at: `${day(-20)}T09:30:00.000Z`, type: "tap.signin", outcome: "failure" },
      { at: `${day(-1)}T10:00:00.000Z`, type: "passkey.authentication" },
      { at: new Date().toISOString(), type: "passkey.registration" },
    ]);
    expect(await reportedDays(from, to)).toEqual(await referenceDays(from, to));
    const kept = await getDb().reportDay.count({ where: { day: { gte: new Date(`${from}T00:00:00Z`), lte: new Date(`${day(-2)}T00:00:00Z`) } } });
    expect(kept).toBe(39);

    // Events for days already kept (a late writer, an import): the days are counted again.
    await seedReportEvents(user.id, [
      { at: `${day(-20)}T23:00:00.000Z`, type: "passkey.registration" },
      { at: `${day(-39)}T01:00:00.000Z`, type: "password.signin" },
    ]);
    expect(await reportedDays(from, to)).toEqual(await referenceDays(from, to));
    // A range inside the kept days, and one reaching into the future.
    expect(await reportedDays(day(-25), day(-15))).toEqual(await referenceDays(day(-25), day(-15)));
    expect(await reportedDays(day(-3), day(3))).toEqual(await referenceDays(day(-3), day(3)));
  });
});
