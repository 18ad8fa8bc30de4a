// Hostile input reaching server functions: searches match `%` and `_` literally, out-of-range
// cursors are refused as INVALID_REQUEST (never a PostgreSQL error), display names follow their
// contract.
import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { ListUsersQuery } from "@/contracts/admin-users";
import { RegistrationPageQuery } from "@/contracts/admin-reports";
import { listAuditEvents } from "@/server/admin/audit/list-audit-events";
import { listRegistrations } from "@/server/admin/reports/list-registrations";
import { listUsers } from "@/server/admin/users/list-users";
import { findPolicyUsersByEmail } from "@/server/policy/find-policy-users";
import { getDb } from "@/server/db";
import { makeUsers, uniqueSearchPrefix } from "../fixtures/admin-users";
import { makeUser } from "../fixtures/factories";
import { rejectsWith } from "./webauthn-helpers";

const raw = (text: string) => Buffer.from(text, "utf8").toString("base64url");

/** Three users whose emails differ where a wildcard would hide it: "<p>%a", "<p>_b", "<p>xc". */
async function wildcardUsers() {
  const prefix = uniqueSearchPrefix();
  const [percent, underscore, plain] = ["%a", "_b", "xc"].map((tail) => `${prefix}${tail}@example.test`);
  for (const email of [percent!, underscore!, plain!]) await makeUser({ email, displayName: "Wildcard Person" });
  return { prefix, percent: percent!, underscore: underscore!, plain: plain! };
}

describe("searches take % and _ literally", () => {
  it("the policy's user picker", async () => {
    const { prefix, percent, underscore } = await wildcardUsers();
    expect((await findPolicyUsersByEmail(`${prefix}%`)).map((u) => u.email)).toEqual([percent]);
    expect((await findPolicyUsersByEmail(`${prefix}_`)).map((u) => u.email)).toEqual([underscore]);
    expect((await findPolicyUsersByEmail(`${prefix}x`)).map((u) => u.email)).toHaveLength(1);
    // A lone "%" finds only emails starting with "%", not everyone.
    for (const user of await findPolicyUsersByEmail("%")) expect(user.email.startsWith("%")).toBe(true);
  });

  it("the administrators' user list", async () => {
    const { prefix, percent, underscore } = await wildcardUsers();
    const emails = async (q: string) => (await listUsers(ListUsersQuery.parse({ q }))).users.map((u) => u.email);
    expect(await emails(`${prefix}%`)).toEqual([percent]);
    expect(await emails(`${prefix}_`)).toEqual([underscore]);
  });

  it("the registration report", async () => {
    const { prefix, percent, underscore } = await wildcardUsers();
    const emails = async (q: string) => (await listRegistrations(RegistrationPageQuery.parse({ q }))).users.map((u) => u.email);
    expect(await emails(`${prefix}%`)).toEqual([percent]);
    expect(await emails(`${prefix}_`)).toEqual([underscore]);
  });
});

describe("cursors out of range", () => {
  it("an audit cursor whose id is above 2^63 - 1 is INVALID_REQUEST, not a bigint overflow", async () => {
    await rejectsWith(listAuditEvents({ cursor: raw("2026-11-25T10:00:00.000Z|9223372036854775808") }), "INVALID_REQUEST");
    await rejectsWith(listAuditEvents({ cursor: raw("2026-11-25T10:00:00.000Z|9999999999999999999"), direction: "newer" }), "INVALID_REQUEST");
    await rejectsWith(listAuditEvents({ cursor: raw("0000-01-01T00:00:00.000Z|1") }), "INVALID_REQUEST");
  });

  it("a user-list cursor carrying a NUL is INVALID_REQUEST, not a PostgreSQL encoding error", async () => {
    const prefix = uniqueSearchPrefix();
    await makeUsers(prefix, 2);
    const forged = raw(JSON.stringify(["a\u0000b@example.test", "00000000-0000-4000-8000-000000000000"]));
    await rejectsWith(listUsers(ListUsersQuery.parse({ q: prefix, after: forged })), "INVALID_REQUEST");
    await rejectsWith(listRegistrations(RegistrationPageQuery.parse({ q: prefix, after: forged })), "INVALID_REQUEST");
  });
});

describe("display names", () => {
  it("are refused with control or bidi characters, before anything is stored", async () => {
    for (const displayName of ["Ada\u0000Lovelace", "Ada \u202eecalevol", "Ada\u0085"]) {
      const email = `${uniqueSearchPrefix()}@example.test`;
      await expect(makeUser({ email, displayName })).rejects.toBeInstanceOf(ZodError);
      expect(await getDb().user.count({ where: { email } })).toBe(0);
    }
  });

  it("are stored NFC-normalised and trimmed", async () => {
    const user = await makeUser({ displayName: "  Zoe\u0308 Example " });
    expect(user.displayName).toBe("Zoë Example");
  });
});
