// The client address (per-IP limits, sign-in lock, audit log) is the connection's, never a header
// the client chose, over real HTTP against the production build. The shared e2e server raises the
// per-IP limits out of reach, so each group here starts its own: scripts/server.ts, as `npm start`
// runs it, on the build the e2e server made, on a free port, with a fresh database and the default
// limits (the per-IP sign-in lock lowered to 3 failures).
import { randomBytes } from "node:crypto";
import type { APIRequestContext, APIResponse } from "@playwright/test";
import pg from "pg";
import { spawnServer } from "../../scripts/lib/server-process";
import { createTestDatabase, dropTestDatabase } from "../../scripts/test/databases";
import { E2E } from "../fixtures/e2e-env";
import { expect, test } from "../fixtures/playwright";
import { freePort, waitUntilServing } from "../fixtures/processes";
import { uniqueEmail } from "../fixtures/unique-email";

const WRONG_TAP = "AAAA-BBBB-CCCC-DDDD";
const FORGED = "203.0.113.7";
const SIGNIN_IP_MAX_FAILURES = 3;

interface Instance {
  /** The origin the app is configured with (requests must name it in Origin). */
  origin: string;
  /** The same server reached over IPv4 or IPv6 loopback, so the test picks the peer address. */
  url(path: string, over?: "127.0.0.1" | "::1"): string;
  db: pg.Client;
  stop(): Promise<void>;
}

async function startInstance(env: Record<string, string>): Promise<Instance> {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const database = await createTestDatabase(`${E2E.databaseName}_ip`);
  const serverEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    PORT: String(port),
    ORIGINS: origin,
    SIGNIN_IP_MAX_FAILURES: String(SIGNIN_IP_MAX_FAILURES),
    ...env,
  };
  // The shared server's raised limits (playwright.config.ts) are not for this one.
  delete serverEnv.CEREMONY_RATE_PER_IP;
  if (!("TRUSTED_PROXIES" in env)) delete serverEnv.TRUSTED_PROXIES;

  const child = spawnServer({ env: serverEnv, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const url = (path: string, over: "127.0.0.1" | "::1" = "127.0.0.1") =>
    `http://${over === "::1" ? "[::1]" : over}:${port}${path}`;
  await waitUntilServing(url("/signin"), child, () => stderr, 90_000);

  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  return {
    origin,
    url,
    db,
    async stop() {
      await db.end();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      await dropTestDatabase(database.name);
    },
  };
}

/** Starts an instance for the tests of the enclosing describe, stopped after them. */
function useInstance(env: Record<string, string>): () => Instance {
  let instance: Instance | undefined;
  test.beforeAll(async () => {
    test.setTimeout(150_000);
    instance = await startInstance(env);
  });
  test.afterAll(async () => {
    await instance?.stop();
  });
  return () => instance!;
}

/** A failed Temporary Access Pass sign-in; the user agent tells its audit row apart. */
function failTapSignIn(
  request: APIRequestContext,
  app: Instance,
  { forwardedFor, userAgent = "client-address-test", over }: { forwardedFor: string; userAgent?: string; over?: "127.0.0.1" | "::1" },
): Promise<APIResponse> {
  return request.post(app.url("/api/auth/tap", over), {
    data: { email: uniqueEmail("addr"), code: WRONG_TAP },
    headers: { origin: app.origin, "x-forwarded-for": forwardedFor, "user-agent": userAgent },
  });
}

async function auditIpOf(app: Instance, userAgent: string): Promise<Array<string | null>> {
  const { rows } = await app.db.query<{ ip: string | null }>(
    `SELECT ip FROM "AuditEvent" WHERE type = 'tap.signin' AND "userAgent" = $1`,
    [userAgent],
  );
  return rows.map((row) => row.ip);
}

async function ipThrottleKeys(app: Instance): Promise<Array<{ key: string; locked: boolean }>> {
  const { rows } = await app.db.query<{ key: string; locked: boolean }>(
    `SELECT key, "lockedUntil" IS NOT NULL AS locked FROM "SignInThrottle" WHERE key LIKE 'ip:%' ORDER BY key`,
  );
  return rows;
}

test.describe("without TRUSTED_PROXIES: options rate limit and audit log", () => {
  // A window of an hour, so a burst cannot straddle two windows (the per-IP rate keeps its default).
  const app = useInstance({ CEREMONY_RATE_WINDOW_SECONDS: "3600" });

  test("a different forged X-Forwarded-For on each request does not lift the per-IP options limit", async ({ request }) => {
    test.setTimeout(90_000);
    const hourLeft = 3_600_000 - (Date.now() % 3_600_000);
    if (hourLeft < 60_000) await new Promise((resolve) => setTimeout(resolve, hourLeft + 100));
    const statuses: number[] = [];
    let last: APIResponse | undefined;
    for (let i = 0; i < 90; i++) {
      last = await request.post(app().url("/api/webauthn/authentication/options"), {
        data: {},
        headers: { origin: app().origin, "x-forwarded-for": `198.51.100.${i + 1}` },
      });
      statuses.push(last.status());
    }
    expect(statuses.slice(0, 60)).toEqual(Array(60).fill(200));
    expect(statuses.slice(60)).toEqual(Array(30).fill(429));
    expect((await last!.json()).error.code).toBe("RATE_LIMITED");
  });

  test("the audit row records the connection's address, not the forged one", async ({ request }) => {
    const userAgent = `audit-${randomBytes(6).toString("hex")}`;
    const res = await failTapSignIn(request, app(), { forwardedFor: FORGED, userAgent });
    expect(res.status()).toBe(401);
    expect(await auditIpOf(app(), userAgent)).toEqual(["127.0.0.1"]);
  });
});

test.describe("without TRUSTED_PROXIES: the per-IP sign-in lock", () => {
  const app = useInstance({});

  test("failed sign-ins with a forged X-Forwarded-For lock the connection's address, not the named one", async ({ request }) => {
    for (let i = 0; i < SIGNIN_IP_MAX_FAILURES; i++) {
      const res = await failTapSignIn(request, app(), { forwardedFor: FORGED });
      expect(res.status()).toBe(401);
    }
    // Another forged address does not escape the lock either.
    const locked = await failTapSignIn(request, app(), { forwardedFor: "203.0.113.8" });
    expect(locked.status()).toBe(429);
    expect((await locked.json()).error.code).toBe("SIGN_IN_LOCKED");
    expect(await ipThrottleKeys(app())).toEqual([{ key: "ip:127.0.0.1", locked: true }]);
  });
});

test.describe("with TRUSTED_PROXIES=127.0.0.1/32", () => {
  const app = useInstance({ TRUSTED_PROXIES: "127.0.0.1/32" });

  test("X-Forwarded-For is believed from the listed proxy, and only from it", async ({ request }) => {
    const viaProxy = `proxy-${randomBytes(6).toString("hex")}`;
    expect((await failTapSignIn(request, app(), { forwardedFor: "198.51.100.23", userAgent: viaProxy })).status()).toBe(401);
    expect(await auditIpOf(app(), viaProxy)).toEqual(["198.51.100.23"]);

    // ::1 is not listed: what it forwards is not believed.
    const direct = `direct-${randomBytes(6).toString("hex")}`;
    expect((await failTapSignIn(request, app(), { forwardedFor: FORGED, userAgent: direct, over: "::1" })).status()).toBe(401);
    expect(await auditIpOf(app(), direct)).toEqual(["::1"]);
  });
});
