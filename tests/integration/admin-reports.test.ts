// The administrators' reports on a real PostgreSQL: registration details (filters, the passwordless
// and MFA definitions against the policy, keyset pages, totals, streamed CSV) and the activity
// charts (UTC day buckets, zero days, sign-ins split by method, providers, synced vs device-bound).
import { afterEach, describe, expect, it } from "vitest";
import { RegistrationFilterQuery, RegistrationPageQuery, ReportRangeQuery, type RegistrationFilterQuery as Filter } from "@/contracts/admin-reports";
import type { PasskeyPolicySettings } from "@/contracts/policy";
import { getReportActivity } from "@/server/admin/reports/get-report-activity";
import { getRegistrationTotals } from "@/server/admin/reports/get-registration-totals";
import { iterateRegistrations } from "@/server/admin/reports/iterate-registrations";
import { listRegistrations } from "@/server/admin/reports/list-registrations";
import { streamRegistrationsCsv } from "@/server/admin/reports/registrations-csv";
import { getDb } from "@/server/db";
import { getPasskeyPolicy } from "@/server/policy/passkey-policy";
import { passkeyPolicyVerdict } from "@/server/policy/passkey-policy-verdict";
import { getPasskeyProvider } from "@/server/webauthn/providers";
import { restoreDefaultPasskeyPolicy, setPasskeyPolicy } from "../fixtures/admin-policy";
import { makeReportUser, seedReportEvents, uniqueSearchPrefix } from "../fixtures/admin-reports";
import { rejectsWith } from "./webauthn-helpers";

const GOOGLE = "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4";
const YUBIKEY = "cb69481e-8ff7-4039-93ec-0a2729a154a8";
const WINDOWS_HELLO = "08987058-cadc-4b81-b6e1-30de50dcbe96";

afterEach(restoreDefaultPasskeyPolicy);

const filter = (q: string, rest: Partial<Filter> = {}): Filter => RegistrationFilterQuery.parse({ q, ...rest });

async function labels(prefix: string, rest: Partial<Filter> = {}): Promise<string[]> {
  const { users } = await listRegistrations({ ...filter(prefix, rest) }, { pageSize: 100 });
  return users.map((u) => u.email.slice(prefix.length + 1).replace("@example.test", ""));
}

/** One user per combination of methods the definitions care about. */
async function makeMethodMix(prefix: string) {
  await makeReportUser(prefix, "a-none");
  await makeReportUser(prefix, "b-passkey", { passkeys: [{ aaguid: GOOGLE }] });
  await makeReportUser(prefix, "c-password", { password: true });
  await makeReportUser(prefix, "d-password-app", { password: true, app: "confirmed" });
  await makeReportUser(prefix, "e-password-unconfirmed-app", { password: true, app: "unconfirmed" });
  await makeReportUser(prefix, "f-app-only", { app: "confirmed" });
  await makeReportUser(prefix, "g-tap", { tap: "usable" });
  await makeReportUser(prefix, "h-expired-tap", { tap: "expired" });
  await makeReportUser(prefix, "i-used-tap", { tap: "used-one-time" });
  await makeReportUser(prefix, "j-passkey-password", { passkeys: [{ aaguid: YUBIKEY, synced: false }, { aaguid: GOOGLE }], password: true });
}

describe("registration details", () => {
  it("lists each user's methods, with passwordless and MFA capability as defined", async () => {
    const prefix = uniqueSearchPrefix();
    await makeMethodMix(prefix);
    const { users, matching } = await listRegistrations(filter(prefix));
    expect(matching).toBe(10);
    const byLabel = Object.fromEntries(users.map((u) => [u.email.split("@")[0]!.slice(prefix.length + 1), u]));
    const summary = (label: string) => {
      const u = byLabel[label]!;
      return [u.passkeys, u.acceptedPasskeys, u.password, u.authenticatorApp, u.temporaryAccessPass, u.passwordlessCapable, u.mfaCapable];
    };
    expect(summary("a-none")).toEqual([0, 0, false, false, null, false, false]);
    expect(summary("b-passkey")).toEqual([1, 1, false, false, null, true, true]);
    expect(summary("c-password")).toEqual([0, 0, true, false, null, false, false]);
    expect(summary("d-password-app")).toEqual([0, 0, true, true, null, false, true]);
    expect(summary("e-password-unconfirmed-app")).toEqual([0, 0, true, false, null, false, false]);
    expect(summary("f-app-only")).toEqual([0, 0, false, true, null, false, false]);
    // A pass is shown but makes nobody MFA capable: it is temporary.
    expect(summary("g-tap")).toEqual([0, 0, false, false, "usable", false, false]);
    expect(summary("h-expired-tap")).toEqual([0, 0, false, false, "unusable", false, false]);
    expect(summary("i-used-tap")).toEqual([0, 0, false, false, "unusable", false, false]);
    expect(summary("j-passkey-password")).toEqual([2, 2, true, false, null, true, true]);
  });

  it("filters by method registered, passwordless and MFA capability, and email prefix", async () => {
    const prefix = uniqueSearchPrefix();
    await makeMethodMix(prefix);
    expect(await labels(prefix, { method: "passkey" })).toEqual(["b-passkey", "j-passkey-password"]);
    expect(await labels(prefix, { method: "password" })).toEqual(["c-password", "d-password-app", "e-password-unconfirmed-app", "j-passkey-password"]);
    expect(await labels(prefix, { method: "authenticator-app" })).toEqual(["d-password-app", "f-app-only"]);
    expect(await labels(prefix, { method: "tap" })).toEqual(["g-tap"]);
    expect(await labels(prefix, { method: "none" })).toEqual(["a-none", "g-tap", "h-expired-tap", "i-used-tap"]);
    expect(await labels(prefix, { passwordless: "yes" })).toEqual(["b-passkey", "j-passkey-password"]);
    expect(await labels(prefix, { passwordless: "no" })).toHaveLength(8);
    expect(await labels(prefix, { mfa: "yes" })).toEqual(["b-passkey", "d-password-app", "j-passkey-password"]);
    expect(await labels(prefix, { mfa: "no", method: "password" })).toEqual(["c-password", "e-password-unconfirmed-app"]);
    expect(await labels(prefix, { passwordless: "no", mfa: "yes" })).toEqual(["d-password-app"]);
    // Case-insensitive prefix; LIKE wildcards in the search are literal.
    expect((await listRegistrations(filter(`${prefix.toUpperCase()}-B`))).users.map((u) => u.email)).toEqual([`${prefix}-b-passkey@example.test`]);
    expect((await listRegistrations(filter(`${prefix}-%`))).matching).toBe(0);
    expect((await listRegistrations(filter(`${prefix.slice(0, -1)}_`))).matching).toBe(0);
  });

  it("counts passwordless capability exactly as the policy verdict decides, for every rule", async () => {
    const prefix = uniqueSearchPrefix();
    const synced = await makeReportUser(prefix, "synced", { passkeys: [{ aaguid: GOOGLE, synced: true }] });
    const key = await makeReportUser(prefix, "key", { passkeys: [{ aaguid: YUBIKEY.toUpperCase(), synced: false, attestationVerified: true }] });
    const hello = await makeReportUser(prefix, "hello", { passkeys: [{ aaguid: WINDOWS_HELLO, synced: false }], password: true, app: "confirmed" });
    const mixed = await makeReportUser(prefix, "mixed", { passkeys: [{ aaguid: GOOGLE }, { aaguid: WINDOWS_HELLO, synced: false }] });
    const users = [synced, key, hello, mixed];
    const policies: Array<Partial<PasskeyPolicySettings>> = [
      {},
      { enabled: false },
      { target: "selected", targetUserIds: [key.id, mixed.id] },
      { syncedAllowed: false },
      { keyRestriction: "allow", aaguids: [YUBIKEY] },
      { keyRestriction: "allow", aaguids: [] },
      { keyRestriction: "block", aaguids: [GOOGLE] },
      { enforceAttestation: true },
      { syncedAllowed: false, keyRestriction: "block", aaguids: [YUBIKEY] },
    ];
    for (const change of policies) {
      await restoreDefaultPasskeyPolicy();
      await setPasskeyPolicy(change);
      const policy = await getPasskeyPolicy();
      const targets = new Set((await getDb().passkeyPolicyTarget.findMany()).map((t) => t.userId));
      const expected: Record<string, [number, boolean, boolean]> = {};
      for (const user of users) {
        const passkeys = await getDb().passkey.findMany({ where: { userId: user.id } });
        const accepted = passkeys.filter((p) => passkeyPolicyVerdict(p, policy, { targeted: policy.target === "all" || targets.has(user.id) }).allowed).length;
        expected[user.email] = [accepted, accepted > 0, accepted > 0 || user.id === hello.id];
      }
      const { users: rows } = await listRegistrations(filter(prefix));
      const actual = Object.fromEntries(rows.map((r) => [r.email, [r.acceptedPasskeys, r.passwordlessCapable, r.mfaCapable]]));
      expect({ change, actual }).toEqual({ change, actual: expected });
      const yes = users.filter((u) => expected[u.email]![1]).map((u) => u.email).sort();
      expect({ change, yes: (await listRegistrations(filter(prefix, { passwordless: "yes" }))).users.map((u) => u.email) }).toEqual({ change, yes });
    }
  });

  it("pages by keyset: exact page sizes, the last page, and back again", async () => {
    const prefix = uniqueSearchPrefix();
    for (let i = 0; i < 7; i++) await makeReportUser(prefix, `u${i}`);
    const q = filter(prefix);
    const page1 = await listRegistrations(q, { pageSize: 3 });
    expect(page1.users.map((u) => u.displayName)).toEqual(["Report u0", "Report u1", "Report u2"]);
    expect([page1.matching, page1.previousCursor]).toEqual([7, null]);
    const page2 = await listRegistrations({ ...q, after: page1.nextCursor! }, { pageSize: 3 });
    expect(page2.users.map((u) => u.displayName)).toEqual(["Report u3", "Report u4", "Report u5"]);
    const page3 = await listRegistrations({ ...q, after: page2.nextCursor! }, { pageSize: 3 });
    expect(page3.users.map((u) => u.displayName)).toEqual(["Report u6"]);
    expect(page3.nextCursor).toBeNull();
    const back2 = await listRegistrations({ ...q, before: page3.previousCursor! }, { pageSize: 3 });
    expect(back2.users.map((u) => u.displayName)).toEqual(["Report u3", "Report u4", "Report u5"]);
    const back1 = await listRegistrations({ ...q, before: back2.previousCursor! }, { pageSize: 3 });
    expect(back1.users.map((u) => u.displayName)).toEqual(["Report u0", "Report u1", "Report u2"]);
    expect(back1.previousCursor).toBeNull();
    expect(back1.nextCursor).toEqual(page1.nextCursor);

    // Six users in pages of three: the second page is full and is the last.
    const even = uniqueSearchPrefix();
    for (let i = 0; i < 6; i++) await makeReportUser(even, `u${i}`);
    const first = await listRegistrations(filter(even), { pageSize: 3 });
    const second = await listRegistrations({ ...filter(even), after: first.nextCursor! }, { pageSize: 3 });
    expect([second.users.length, second.nextCursor]).toEqual([3, null]);
  });

  it("refuses a tampered cursor and bad filters", async () => {
    await rejectsWith(listRegistrations({ ...filter(""), after: Buffer.from('["x","not-a-uuid"]').toString("base64url") }), "INVALID_REQUEST");
    await rejectsWith(listRegistrations({ ...filter(""), before: "bm90LWpzb24" }), "INVALID_REQUEST");
    for (const bad of [{ method: "sms" }, { passwordless: "maybe" }, { mfa: "true" }, { q: "x".repeat(255) }, { after: "%%" }, { after: "a", before: "b" }, { page: "2" }]) {
      expect(RegistrationPageQuery.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(RegistrationPageQuery.parse({ q: "", method: "", passwordless: "", mfa: "" })).toEqual({ method: "any", passwordless: "any", mfa: "any" });
  });

  it("totals users, passkeys, passwordless and MFA capability with the same definitions", async () => {
    const before = await getRegistrationTotals();
    await makeMethodMix(uniqueSearchPrefix());
    const after = await getRegistrationTotals();
    const delta = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - before[k as keyof typeof before]]));
    expect(delta).toEqual({ users: 10, withPasskey: 2, withPassword: 4, withAuthenticatorApp: 2, passwordlessCapable: 2, mfaCapable: 3 });

    await setPasskeyPolicy({ syncedAllowed: false });
    const deviceBoundOnly = await getRegistrationTotals();
    // b-passkey has only a synced passkey; j-passkey-password keeps its security key.
    expect(deviceBoundOnly.passwordlessCapable - (await countPasswordless())).toBe(0);
    const { matching } = await listRegistrations(filter("", { passwordless: "yes" }));
    expect(deviceBoundOnly.passwordlessCapable).toBe(matching);
    expect(deviceBoundOnly.mfaCapable).toBe((await listRegistrations(filter("", { mfa: "yes" }))).matching);
  });
});

async function countPasswordless(): Promise<number> {
  return (await listRegistrations(filter("", { passwordless: "yes" }), { pageSize: 1 })).matching;
}

describe("registration details CSV", () => {
  it("streams every filtered user in keyset batches, one chunk per batch", async () => {
    const prefix = uniqueSearchPrefix();
    for (let i = 0; i < 5; i++) await makeReportUser(prefix, `u${i}`, { passkeys: i % 2 === 0 ? [{ aaguid: GOOGLE }] : [] });
    const batches: number[] = [];
    for await (const batch of iterateRegistrations(filter(prefix), { batchSize: 2 })) batches.push(batch.length);
    expect(batches).toEqual([2, 2, 1]);

    const reader = streamRegistrationsCsv(filter(prefix), { batchSize: 2 }).getReader();
    const chunks: string[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(new TextDecoder().decode(value));
    }
    // The header, then one chunk per batch of two users.
    expect(chunks.map((chunk) => chunk.split("\r\n").length - 1)).toEqual([1, 2, 2, 1]);
    const lines = chunks.join("").trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "email,display_name,user_id,role,passkeys,passkeys_accepted_by_policy,password,authenticator_app,temporary_access_pass,passwordless_capable,mfa_capable,created_at,last_sign_in_at",
    );
    expect(lines.slice(1).map((line) => line.split(",").slice(0, 2).concat(line.split(",").slice(4, 11)))).toEqual(
      [0, 1, 2, 3, 4].map((i) => [
        `${prefix}-u${i}@example.test`,
        `Report u${i}`,
        ...(i % 2 === 0 ? ["1", "1", "no", "no", "none", "yes", "yes"] : ["0", "0", "no", "no", "none", "no", "no"]),
      ]),
    );
    const filtered = await new Response(streamRegistrationsCsv(filter(prefix, { passwordless: "no" }))).text();
    expect(filtered.trimEnd().split("\r\n")).toHaveLength(3);
  });

  it("quotes and neutralises spreadsheet formulas in names", async () => {
    const prefix = uniqueSearchPrefix();
    const user = await makeReportUser(prefix, "formula", { displayName: '=HYPERLINK("x","y")', password: true, tap: "usable" });
    const csv = await new Response(streamRegistrationsCsv(filter(prefix))).text();
    const line = csv.split("\r\n")[1]!;
    expect(line.startsWith(`${prefix}-formula@example.test,"'=HYPERLINK(""x"",""y"")",${user.id},user,0,0,yes,no,usable,no,no,`)).toBe(true);
    expect(line.endsWith(",")).toBe(true);
  });
});

describe("activity charts", () => {
  it("counts registrations and sign-ins per UTC day, zero-filled, split by method", async () => {
    const prefix = uniqueSearchPrefix();
    const user = await makeReportUser(prefix, "active");
    await seedReportEvents(user.id, [
      { at: "2032-06-01T00:00:00.000Z", type: "passkey.registration" },
      { at: "2032-06-01T23:59:59.999Z", type: "passkey.registration" },
      { at: "2032-06-01T12:00:00.000Z", type: "passkey.registration", outcome: "failure" },
      { at: "2032-06-03T08:00:00.000Z", type: "passkey.registration" },
      { at: "2032-05-31T23:59:59.999Z", type: "passkey.registration" },
      { at: "2032-06-04T00:00:00.000Z", type: "passkey.registration" },
      { at: "2032-06-01T09:00:00.000Z", type: "passkey.authentication" },
      { at: "2032-06-01T10:00:00.000Z", type: "passkey.authentication" },
      { at: "2032-06-01T11:00:00.000Z", type: "passkey.authentication", outcome: "failure" },
      { at: "2032-06-02T09:00:00.000Z", type: "password.signin", factors: ["password", "totp"] },
      { at: "2032-06-02T09:30:00.000Z", type: "password.signin", factors: ["password"] },
      { at: "2032-06-02T10:00:00.000Z", type: "password.signin", outcome: "failure" },
      { at: "2032-06-03T23:00:00.000Z", type: "tap.signin" },
    ]);
    const activity = await getReportActivity({ from: "2032-06-01", to: "2032-06-03" });
    expect([activity.from, activity.to]).toEqual(["2032-06-01", "2032-06-03"]);
    expect(activity.registrations).toEqual([
      { day: "2032-06-01", passkeys: 2 },
      { day: "2032-06-02", passkeys: 0 },
      { day: "2032-06-03", passkeys: 1 },
    ]);
    expect(activity.signIns).toEqual([
      { day: "2032-06-01", passkey: 2, passwordAndApp: 0, password: 0, tap: 0 },
      { day: "2032-06-02", passkey: 0, passwordAndApp: 1, password: 1, tap: 0 },
      { day: "2032-06-03", passkey: 0, passwordAndApp: 0, password: 0, tap: 1 },
    ]);
    const empty = await getReportActivity({ from: "2032-07-01", to: "2032-07-02" });
    expect(empty.registrations.map((d) => d.passkeys)).toEqual([0, 0]);
  });

  it("defaults to the last 30 UTC days ending today, and bounds a range to 366 days", async () => {
    const now = new Date("2032-03-01T22:30:00.000Z");
    const activity = await getReportActivity({}, now);
    expect(activity.registrations).toHaveLength(30);
    // 2032 is a leap year: 29 February is one of the 30 days.
    expect([activity.from, activity.to]).toEqual(["2032-02-01", "2032-03-01"]);
    expect((await getReportActivity({ from: "2032-02-28" }, now)).to).toBe("2032-03-28");
    expect((await getReportActivity({ to: "2032-02-28" }, now)).from).toBe("2032-01-30");
    expect(ReportRangeQuery.safeParse({ from: "2033-01-01", to: "2034-01-01" }).success).toBe(true);
    for (const bad of [{ from: "2033-01-01", to: "2034-01-02" }, { from: "2032-01-01", to: "2033-01-01" }, { from: "2032-02-30" }, { from: "2032-03-02", to: "2032-03-01" }, { days: "7" }]) {
      expect(ReportRangeQuery.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it("counts current passkeys by provider and as synced or device-bound", async () => {
    const before = await getReportActivity({});
    const prefix = uniqueSearchPrefix();
    await makeReportUser(prefix, "one", { passkeys: [{ aaguid: GOOGLE }, { aaguid: YUBIKEY, synced: false }] });
    await makeReportUser(prefix, "two", { passkeys: [{ aaguid: GOOGLE.toUpperCase() }] });
    const after = await getReportActivity({});
    expect(after.deviceTypes.synced - before.deviceTypes.synced).toBe(2);
    expect(after.deviceTypes.deviceBound - before.deviceTypes.deviceBound).toBe(1);
    const provider = (activity: typeof after, aaguid: string) =>
      activity.providers.find((p) => p.name === getPasskeyProvider(aaguid).name) ?? { total: 0, synced: 0, deviceBound: 0 };
    expect(provider(after, GOOGLE).synced - provider(before, GOOGLE).synced).toBe(2);
    expect(provider(after, YUBIKEY).deviceBound - provider(before, YUBIKEY).deviceBound).toBe(1);
    // Every passkey is in exactly one provider bar, the rest gathered in "Other providers".
    const all = await getDb().passkey.count();
    expect(after.providers.reduce((sum, p) => sum + p.total, 0)).toBe(all);
    expect(after.deviceTypes.synced + after.deviceTypes.deviceBound).toBe(all);
    expect(after.providers.length).toBeLessThanOrEqual(9);
    expect(after.totals).toEqual(await getRegistrationTotals());
  });
});
