// The client address a route records (audit log, per-address sign-in lock) follows TRUSTED_PROXIES:
// only X-Forwarded-For entries that trusted proxies added are believed.
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { POST as tapRoute } from "@/app/api/auth/tap/route";
import { resetConfigForTests } from "@/server/config";
import { getDb } from "@/server/db";
import { throttleKeys } from "@/server/throttle/sign-in-throttle";
import { makeUserWithTap } from "../fixtures/factories";
import { TEST_ORIGIN } from "./setup-env";

const WRONG_TAP = "AAAA-BBBB-CCCC-DDDD";

/** A documentation-range address no other test uses. */
function address(): string {
  return `2001:db8:${randomBytes(2).toString("hex")}::7`;
}

/** A failed Temporary Access Pass sign-in through the route, with the given X-Forwarded-For. */
async function failTapSignIn(forwardedFor: string | null) {
  const { user } = await makeUserWithTap();
  const headers: Record<string, string> = { origin: TEST_ORIGIN, "content-type": "application/json" };
  if (forwardedFor !== null) headers["x-forwarded-for"] = forwardedFor;
  const res = await tapRoute(
    new Request(`${TEST_ORIGIN}/api/auth/tap`, { method: "POST", headers, body: JSON.stringify({ email: user.email, code: WRONG_TAP }) }),
    undefined,
  );
  expect(res.status).toBe(401);
  const events = await getDb().auditEvent.findMany({ where: { subjectUserId: user.id, type: "tap.signin" } });
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ outcome: "failure" });
  return { user, ip: events[0]!.ip };
}

// setup-env restores only the variables it sets; this one must not outlive these tests.
afterEach(() => {
  delete process.env.TRUSTED_PROXIES;
  resetConfigForTests();
});

async function ipFailures(ip: string): Promise<number> {
  const row = await getDb().signInThrottle.findUnique({ where: { key: throttleKeys("x@example.com", ip).ip } });
  return row?.failures ?? 0;
}

describe("client address without trusted proxies", () => {
  it("records the right-most X-Forwarded-For entry (the address the server saw), not the client-written left one", async () => {
    const forged = address();
    const seen = address();
    const { ip } = await failTapSignIn(`${forged}, ${seen}`);
    expect(ip).toBe(seen);
    expect(await ipFailures(seen)).toBe(1);
    expect(await ipFailures(forged)).toBe(0);
  });

  it("records no address when there is none", async () => {
    expect((await failTapSignIn(null)).ip).toBeNull();
  });
});

describe("client address behind trusted proxies", () => {
  it("skips the trusted proxies from the right and records the client", async () => {
    process.env.TRUSTED_PROXIES = "10.0.0.0/8, 192.0.2.10";
    resetConfigForTests();
    const forged = address();
    const client = address();
    const { ip } = await failTapSignIn(`${forged}, ${client}, 192.0.2.10, 10.20.30.40`);
    expect(ip).toBe(client);
    expect(await ipFailures(client)).toBe(1);
    expect(await ipFailures(forged)).toBe(0);
  });

  it("does not believe an entry added by a proxy that is not trusted", async () => {
    process.env.TRUSTED_PROXIES = "10.0.0.0/8";
    resetConfigForTests();
    const client = address();
    const untrusted = address();
    expect((await failTapSignIn(`${client}, ${untrusted}, 10.1.1.1`)).ip).toBe(untrusted);
  });
});
