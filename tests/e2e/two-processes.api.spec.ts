// Two app processes on one database, over HTTP against the production build: the suite's server (A)
// and a second scripts/server.ts process (B) started here with the same environment on another
// port, as two instances behind a load balancer. Every request carries the public origin (ORIGINS,
// A's URL), as it would through the balancer; the cookie jar is one browser's, whichever process
// answers. Challenges, sessions, rate limits, sign-in locks and the passkey limit live in
// PostgreSQL, so what one process starts the other finishes, and no limit doubles with two.
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { APIRequestContext, APIResponse } from "@playwright/test";
import { getDb } from "@/server/db";
import { spawnServer } from "../../scripts/lib/server-process";
import { createTapUser, deleteTestUser, signInRequest } from "../fixtures/admin-audit";
import { restoreDefaultPasskeyPolicy } from "../fixtures/admin-policy";
import { givePassword } from "../fixtures/credentials";
import { E2E } from "../fixtures/e2e-env";
import { freePort, waitUntilServing } from "../fixtures/processes";
import { uniqueEmail } from "../fixtures/unique-email";
import { e2eMetadataDir } from "../fixtures/mds";
import { expect, storePasskey, test, type TestUser } from "../fixtures/playwright";
import { SoftAuthenticator } from "../fixtures/soft-authenticator";

type CreationOptions = Parameters<SoftAuthenticator["createCredential"]>[0]["options"];
type RequestOptions = Parameters<SoftAuthenticator["getAssertion"]>[0]["options"];

const ORIGIN = E2E.baseURL;
const A = E2E.baseURL;
let B = "";
let second: ChildProcess | null = null;
const stopOnExit = () => second?.kill("SIGKILL");

async function stopSecond(): Promise<void> {
  const child = second;
  if (!child) return;
  second = null;
  process.off("exit", stopOnExit);
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

test.beforeAll(async () => {
  test.setTimeout(150_000);
  const port = await freePort();
  const mds = e2eMetadataDir(E2E.port);
  // The suite's server was built and started first (playwright.config.ts): same build, same
  // database, same SESSION_SECRET and the same metadata blob; only the port differs.
  second = spawnServer({
    env: { ...process.env, PORT: String(port), MDS_BLOB_PATH: join(mds, "blob.jwt"), MDS_ROOT_CERT_PATH: join(mds, "mds-root.pem") },
    stdio: ["ignore", "ignore", "inherit"],
  });
  process.on("exit", stopOnExit);
  B = `http://localhost:${port}`;
  await waitUntilServing(`${B}/signin`, second);
});

test.afterAll(async () => {
  await stopSecond();
});

function post(ctx: APIRequestContext, base: string, path: string, data: unknown = {}): Promise<APIResponse> {
  return ctx.post(`${base}${path}`, { data, headers: { origin: ORIGIN } });
}

async function expectStatus(res: APIResponse, what: string, status: number, code?: string): Promise<void> {
  const body = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
  expect({ what, status: res.status(), code: body?.error?.code }).toEqual({ what, status, code });
}

/** Options from `optionsAt`, the authenticator's answer, verify at `verifyAt`. */
async function registerAcross(ctx: APIRequestContext, authenticator: SoftAuthenticator, optionsAt: string, verifyAt: string): Promise<APIResponse> {
  const optionsRes = await post(ctx, optionsAt, "/api/webauthn/registration/options");
  await expectStatus(optionsRes, "registration options", 200);
  const response = authenticator.createCredential({ options: (await optionsRes.json()) as CreationOptions, origin: ORIGIN, rpId: "localhost" });
  return post(ctx, verifyAt, "/api/webauthn/registration/verify", { response });
}

/**
 * Windows are fixed and aligned to the epoch (60 s here): start a burst only with at least 20 s of
 * the window left, so its count cannot restart in the middle of it.
 */
async function awaitRoomInWindow(windowMs = 60_000, room = 20_000): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < room) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

/** The sessions' own answer: 200 while signed in, 401 UNAUTHENTICATED after. */
function ownPasskeys(ctx: APIRequestContext, base: string): Promise<APIResponse> {
  return ctx.get(`${base}/api/me/passkeys`);
}

test.describe("two app processes on one database", () => {
  let users: TestUser[] = [];
  test.afterEach(async () => {
    for (const user of users) await deleteTestUser(user);
    users = [];
  });
  const newUser = async (prefix: string) => {
    const user = await createTapUser("user", prefix);
    users.push(user);
    return user;
  };

  test("a passkey sign-in whose options came from A is verified by B; its challenge is then spent on both", async ({ playwright }) => {
    const user = await newUser("procs-passkey");
    const authenticator = new SoftAuthenticator({ transports: ["usb"] });
    const owner = await playwright.request.newContext({ baseURL: A });
    const browser = await playwright.request.newContext({ baseURL: A });
    try {
      await signInRequest(owner, user);
      // Registration across the two as well: options (and the binding cookie) from A, verify on B.
      await expectStatus(await registerAcross(owner, authenticator, A, B), "registration verified on B", 200);

      const optionsRes = await post(browser, A, "/api/webauthn/authentication/options", { email: user.email });
      await expectStatus(optionsRes, "sign-in options from A", 200);
      const response = authenticator.getAssertion({ options: (await optionsRes.json()) as RequestOptions, origin: ORIGIN });
      const verified = await post(browser, B, "/api/webauthn/authentication/verify", { response });
      await expectStatus(verified, "sign-in verified on B", 200);
      expect(verified.headers()["set-cookie"]).toContain(`${E2E.sessionCookie}=`);

      // The session B started is good on A (and on B).
      await expectStatus(await ownPasskeys(browser, A), "B's session on A", 200);
      await expectStatus(await ownPasskeys(browser, B), "B's session on B", 200);

      // The challenge was consumed once, in the database: a replay fails on either process.
      await expectStatus(await post(browser, A, "/api/webauthn/authentication/verify", { response }), "replay to A", 400, "CHALLENGE_INVALID");
      await expectStatus(await post(browser, B, "/api/webauthn/authentication/verify", { response }), "replay to B", 400, "CHALLENGE_INVALID");
      expect(await getDb().userSession.count({ where: { userId: user.id } })).toBe(2);
    } finally {
      await Promise.all([owner.dispose(), browser.dispose()]);
    }
  });

  test("a session cookie set by A is accepted by B, and signing out on B ends it on A", async ({ playwright }) => {
    const user = await newUser("procs-session");
    const ctx = await playwright.request.newContext({ baseURL: A });
    let kept: APIRequestContext | null = null;
    try {
      await signInRequest(ctx, user); // on A
      await expectStatus(await ownPasskeys(ctx, B), "A's session on B", 200);
      // The cookie as it was before signing out: the server-side session, not the cookie, must end.
      const before = await ctx.storageState();
      expect(before.cookies.map((c) => c.name)).toContain(E2E.sessionCookie);

      await expectStatus(await post(ctx, B, "/api/auth/signout"), "sign out on B", 200);
      kept = await playwright.request.newContext({ baseURL: A, storageState: before });
      await expectStatus(await ownPasskeys(kept, A), "the old cookie on A", 401, "UNAUTHENTICATED");
      await expectStatus(await ownPasskeys(kept, B), "the old cookie on B", 401, "UNAUTHENTICATED");
      expect(await getDb().userSession.count({ where: { userId: user.id } })).toBe(0);
    } finally {
      await Promise.all([ctx.dispose(), kept?.dispose()]);
    }
  });

  test("options requests alternated between A and B reach the per-account limit at the 21st, as on one process", async ({ request }) => {
    const user = await newUser("procs-rate");
    await awaitRoomInWindow();
    for (let i = 0; i < 20; i++) {
      await expectStatus(await post(request, i % 2 ? B : A, "/api/webauthn/authentication/options", { email: user.email }), `options #${i + 1}`, 200);
    }
    await expectStatus(await post(request, A, "/api/webauthn/authentication/options", { email: user.email }), "21st on A", 429, "RATE_LIMITED");
    await expectStatus(await post(request, B, "/api/webauthn/authentication/options", { email: user.email }), "22nd on B", 429, "RATE_LIMITED");
    expect(await getDb().challenge.count({ where: { userId: user.id } })).toBe(20);
  });

  test("40 parallel options requests for one account, split across A and B: exactly 20 get through", async ({ request }) => {
    const user = await newUser("procs-rate-burst");
    await awaitRoomInWindow();
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => post(request, i % 2 ? B : A, "/api/webauthn/authentication/options", { email: user.email })),
    );
    const statuses = answers.map((res) => res.status());
    expect({ ok: statuses.filter((s) => s === 200).length, limited: statuses.filter((s) => s === 429).length }).toEqual({ ok: 20, limited: 20 });
    expect(await getDb().challenge.count({ where: { userId: user.id } })).toBe(20);
  });

  test("wrong passwords alternated between A and B lock the account after 5, as on one process", async ({ request }) => {
    const user = await newUser("procs-lock");
    const password = await givePassword(user.id);
    for (let i = 0; i < 5; i++) {
      await expectStatus(await post(request, i % 2 ? B : A, "/api/auth/password", { email: user.email, password: "not the password" }), `guess #${i + 1}`, 401, "INVALID_CREDENTIALS");
    }
    await expectStatus(await post(request, B, "/api/auth/password", { email: user.email, password: "not the password" }), "6th guess on B", 429, "SIGN_IN_LOCKED");
    // Locked on both: even the right password waits.
    for (const base of [A, B]) {
      const right = await post(request, base, "/api/auth/password", { email: user.email, password });
      await expectStatus(right, `the right password on ${base === A ? "A" : "B"}`, 429, "SIGN_IN_LOCKED");
      expect(right.headers()["set-cookie"]).toBeUndefined();
    }
  });

  test("25 parallel wrong passwords for one account, split across A and B: exactly 5 are checked", async ({ request }) => {
    const user = await newUser("procs-lock-burst");
    await givePassword(user.id);
    const answers = await Promise.all(
      Array.from({ length: 25 }, (_, i) => post(request, i % 2 ? B : A, "/api/auth/password", { email: user.email, password: "not the password" })),
    );
    const statuses = answers.map((res) => res.status());
    expect({ checked: statuses.filter((s) => s === 401).length, locked: statuses.filter((s) => s === 429).length }).toEqual({ checked: 5, locked: 20 });
  });

  test("an email with no account gets the same made-up answers from A and from B", async ({ request }) => {
    // Made up from a key derived from SESSION_SECRET: processes that disagreed would give away
    // which emails have no account.
    const email = uniqueEmail("procs-nobody");
    const identify = await Promise.all(
      [A, B].map(async (base) => {
        const res = await post(request, base, "/api/auth/identify", { email });
        await expectStatus(res, `identify on ${base === A ? "A" : "B"}`, 200);
        return res.json();
      }),
    );
    expect(identify[0].methods.length).toBeGreaterThan(0);
    expect(identify[1]).toEqual(identify[0]);
    const allowed = await Promise.all(
      [A, B].map(async (base) => {
        const res = await post(request, base, "/api/webauthn/authentication/options", { email });
        await expectStatus(res, `options from ${base === A ? "A" : "B"}`, 200);
        return ((await res.json()) as RequestOptions).allowCredentials;
      }),
    );
    expect(allowed[1]).toEqual(allowed[0]);
  });

  test("a policy change saved on A applies on B at once", async ({ playwright }) => {
    const admin = await createTapUser("admin", "procs-admin");
    users.push(admin);
    const user = await newUser("procs-policy");
    await storePasskey(user.id, { name: "Key 1" });
    const adminCtx = await playwright.request.newContext({ baseURL: A });
    const userCtx = await playwright.request.newContext({ baseURL: A });
    try {
      await signInRequest(adminCtx, admin);
      await signInRequest(userCtx, user);
      await expectStatus(await post(userCtx, B, "/api/webauthn/registration/options"), "options on B before the change", 200);

      const current = (await (await adminCtx.get(`${A}/api/admin/policy`)).json()) as { version: number; policy: Record<string, unknown> };
      const saved = await adminCtx.put(`${A}/api/admin/policy`, {
        data: { version: current.version, policy: { ...current.policy, maxPasskeys: 1 } },
        headers: { origin: ORIGIN },
      });
      await expectStatus(saved, "policy saved on A", 200);
      await expectStatus(await post(userCtx, B, "/api/webauthn/registration/options"), "options on B after the change", 409, "PASSKEY_LIMIT_REACHED");
    } finally {
      await restoreDefaultPasskeyPolicy();
      await Promise.all([adminCtx.dispose(), userCtx.dispose()]);
    }
  });

  test("two registrations at 9 passkeys, verified at once on A and on B: exactly one is stored", async ({ playwright }) => {
    const user = await newUser("procs-limit");
    for (let i = 0; i < 9; i++) await storePasskey(user.id, { name: `Key ${i + 1}` });
    const ctx = await playwright.request.newContext({ baseURL: A });
    try {
      await signInRequest(ctx, user);
      const authenticator = new SoftAuthenticator({ transports: ["usb"] });
      const started = [];
      for (const base of [A, B]) {
        const optionsRes = await post(ctx, base, "/api/webauthn/registration/options");
        await expectStatus(optionsRes, `registration options from ${base === A ? "A" : "B"}`, 200);
        started.push(authenticator.createCredential({ options: (await optionsRes.json()) as CreationOptions, origin: ORIGIN, rpId: "localhost" }));
      }
      const answers = await Promise.all([
        post(ctx, A, "/api/webauthn/registration/verify", { response: started[0] }),
        post(ctx, B, "/api/webauthn/registration/verify", { response: started[1] }),
      ]);
      const outcomes = await Promise.all(answers.map(async (res) => `${res.status()} ${res.ok() ? "" : (await res.json()).error.code}`.trim()));
      expect(outcomes.sort()).toEqual(["200", "409 PASSKEY_LIMIT_REACHED"]);
      expect(await getDb().passkey.count({ where: { userId: user.id } })).toBe(10);
    } finally {
      await ctx.dispose();
    }
  });
});
