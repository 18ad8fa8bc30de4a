// The benchmark's load generator, a process of its own (forked by scripts/bench/run.ts) so that its
// CPU is counted apart from the app's. Every simulated person is a cookie jar plus a software
// authenticator (tests/fixtures/soft-authenticator.ts) that signs real ES256 assertions: each
// sign-in and registration is a full, valid ceremony over HTTP. After a "setupPeer" message it
// drives the benchmark's peer instead (bench/peers/better-auth: Better Auth's passkey plugin) with
// the same authenticator, HTTP client and timing.
import { cookieName, SESSION_COOKIE } from "../../src/contracts/cookies";
import { SoftAuthenticator } from "../../tests/fixtures/soft-authenticator";
import { CookieJar, expectStatus, request } from "./http-client";
import type { ClientMessage, ClientReply, PeerPerson, PersonCredentials, RunResult, Scenario } from "./protocol";

interface Person {
  email: string;
  jar: CookieJar;
  authenticator: SoftAuthenticator;
  /** Passkeys registered during this run (the policy allows at most 10 per person). */
  registered: number;
}

let baseUrl = "";
/** Whether this process drives the peer (after "setupPeer") rather than the app. */
let peer = false;
const people = { signIn: [] as Person[], register: [] as Person[], list: null as Person | null, admin: null as Person | null };
let adminSearchPath = "";
let adminNextPage = "";
/** A filter whose count and page need every user's capability: "has a password, not MFA capable". */
const REGISTRATIONS_FILTERED = "/api/admin/reports/registrations?method=password&mfa=no";

function send(reply: ClientReply): void {
  process.send!(reply);
}

async function post(person: Person, path: string, body: unknown) {
  return person.jar.take(await request(baseUrl, "POST", path, { body, cookies: person.jar.cookies }));
}

async function get(person: Person, path: string, accept = "application/json") {
  return person.jar.take(await request(baseUrl, "GET", path, { cookies: person.jar.cookies, accept }));
}

async function signInWithTap(credentials: PersonCredentials): Promise<Person> {
  const person: Person = {
    email: credentials.email,
    jar: new CookieJar(),
    authenticator: new SoftAuthenticator({ userVerified: true }),
    registered: 0,
  };
  expectStatus(await post(person, "/api/auth/tap", credentials), 200, `TAP sign-in of ${credentials.email}`);
  return person;
}

/** Registration: options, the authenticator makes the credential, verify (stores the passkey). */
async function register(person: Person): Promise<void> {
  const options = JSON.parse(expectStatus(await post(person, "/api/webauthn/registration/options", {}), 200, "registration options").body);
  const response = person.authenticator.createCredential({ options, origin: baseUrl });
  person.registered++;
  expectStatus(await post(person, "/api/webauthn/registration/verify", { response, name: `Bench key ${person.registered}` }), 200, "registration verify");
}

/**
 * Passkey sign-in as a browser that arrives with no cookies: usernameless options (which set the
 * ceremony's binding cookie), the assertion, verify (which starts the session). The person's
 * cookies are replaced by the new session's.
 */
async function signIn(person: Person, [optionsAt, verifyAt] = [baseUrl, baseUrl]): Promise<void> {
  const jar = new CookieJar();
  const options = JSON.parse(
    expectStatus(jar.take(await request(optionsAt, "POST", "/api/webauthn/authentication/options", { body: {}, origin: baseUrl })), 200, "sign-in options").body,
  );
  const response = person.authenticator.getAssertion({ options, origin: baseUrl });
  const verified = jar.take(
    await request(verifyAt, "POST", "/api/webauthn/authentication/verify", { body: { response }, cookies: jar.cookies, origin: baseUrl }),
  );
  expectStatus(verified, 200, "sign-in verify");
  // The server prefixes its cookies with __Host- when it runs on https (src/contracts/cookies.ts).
  if (!jar.cookies.has(cookieName(SESSION_COOKIE, new URL(baseUrl).protocol === "https:"))) throw new Error("sign-in verify set no session cookie");
  person.jar = jar;
}

async function setup(message: Extract<ClientMessage, { type: "setup" }>): Promise<void> {
  baseUrl = message.baseUrl;
  // Sign-in people: each registers one passkey (an untimed warm-up of registration too).
  for (const credentials of message.signIn) {
    const person = await signInWithTap(credentials);
    await register(person);
    people.signIn.push(person);
  }
  for (const credentials of message.register) people.register.push(await signInWithTap(credentials));
  const list = await signInWithTap(message.list);
  for (let i = 0; i < 10; i++) await register(list);
  people.list = list;
  people.admin = await signInWithTap(message.admin);
  const q = encodeURIComponent(message.adminQuery);
  adminSearchPath = `/api/admin/users?q=${q}`;
  const search = JSON.parse(expectStatus(await get(people.admin, adminSearchPath), 200, "admin search").body);
  if (!search.nextCursor) throw new Error(`The admin search for "${message.adminQuery}" has no next page: seed more users.`);
  adminNextPage = `${adminSearchPath}&after=${encodeURIComponent(search.nextCursor)}`;
}

// The peer's routes: Better Auth's, under its default base path.
const PEER_AUTH = "/api/auth";
const PEER_SESSION_COOKIE = "better-auth.session_token";

/**
 * A peer person: signs up with email and password (which starts a session), then registers one
 * passkey with that session, as Better Auth's passkey plugin requires.
 */
async function setupPeerPerson(account: PeerPerson): Promise<Person> {
  const person: Person = { email: account.email, jar: new CookieJar(), authenticator: new SoftAuthenticator({ userVerified: true }), registered: 0 };
  const name = account.email.split("@")[0]!;
  expectStatus(await post(person, `${PEER_AUTH}/sign-up/email`, { email: account.email, password: account.password, name }), 200, `peer sign-up of ${account.email}`);
  const options = JSON.parse(expectStatus(await get(person, `${PEER_AUTH}/passkey/generate-register-options`), 200, "peer registration options").body);
  const response = person.authenticator.createCredential({ options, origin: baseUrl });
  person.registered++;
  expectStatus(await post(person, `${PEER_AUTH}/passkey/verify-registration`, { response, name: "Bench key 1" }), 200, "peer registration verify");
  return person;
}

/**
 * The peer's passkey sign-in, as its browser client makes it with no cookies: usernameless options
 * (a GET, which sets the signed challenge cookie), the assertion, verify (POST with the Origin
 * header, which starts the session and sets its cookie).
 */
async function peerSignIn(person: Person): Promise<void> {
  const jar = new CookieJar();
  const options = JSON.parse(
    expectStatus(jar.take(await request(baseUrl, "GET", `${PEER_AUTH}/passkey/generate-authenticate-options`)), 200, "peer sign-in options").body,
  );
  const response = person.authenticator.getAssertion({ options, origin: baseUrl });
  const verified = jar.take(
    await request(baseUrl, "POST", `${PEER_AUTH}/passkey/verify-authentication`, { body: { response }, cookies: jar.cookies }),
  );
  expectStatus(verified, 200, "peer sign-in verify");
  if (!jar.cookies.has(PEER_SESSION_COOKIE)) throw new Error("peer sign-in verify set no session cookie");
  person.jar = jar;
}

/** One ceremony of `scenario` against the peer; only sign-in and the trivial GET exist there. */
function peerCeremony(scenario: Scenario, worker: number, workers: number, i: number): Promise<void> {
  switch (scenario) {
    case "signIn": {
      const own = people.signIn.filter((_, k) => k % workers === worker);
      return peerSignIn(own[i % own.length]!);
    }
    case "trivialGet":
      // Better Auth's own health endpoint, through its router like every other route.
      return request(baseUrl, "GET", `${PEER_AUTH}/ok`).then((res) => void expectStatus(res, 200, "peer trivial GET"));
    default:
      throw new Error(`the peer has no "${scenario}" ceremony`);
  }
}


/**
 * Where a worker's sign-in requests go: each to the next of `targets` in turn, as a round-robin load
 * balancer sends them, so with two processes the options and the verify of one sign-in land on
 * different processes.
 */
function spread(targets: string[] | undefined, worker: number, i: number): [string, string] | undefined {
  if (!targets || targets.length === 0) return undefined;
  const at = (k: number) => targets[(worker + 2 * i + k) % targets.length]!;
  return [at(0), at(1)];
}

/** One ceremony of `scenario` by worker `worker` (its i-th); people are split between workers. */
function ceremony(scenario: Scenario, worker: number, workers: number, i: number, targets?: string[]): Promise<void> {
  if (peer) return peerCeremony(scenario, worker, workers, i);
  switch (scenario) {
    case "signIn": {
      const own = people.signIn.filter((_, k) => k % workers === worker);
      return signIn(own[i % own.length]!, spread(targets, worker, i));
    }
    case "register": {
      // Each registration by a person with room for another passkey; one worker's people only.
      const own = people.register.filter((p, k) => k % workers === worker && p.registered < 10);
      if (own.length === 0) throw new Error("every registration person has 10 passkeys: add people");
      return register(own[i % own.length]!);
    }
    case "listPasskeys":
      return get(people.list!, "/api/me/passkeys").then((res) => {
        expectStatus(res, 200, "passkey list");
        if (JSON.parse(res.body).passkeys.length !== 10) throw new Error("the list did not hold 10 passkeys");
      });
    case "securityInfoPage":
      return get(people.list!, "/security-info", "text/html").then((res) => {
        expectStatus(res, 200, "security-info page");
        if (!res.body.includes("Bench key 10")) throw new Error("the page did not list the passkeys");
      });
    case "adminSearch":
      return get(people.admin!, adminSearchPath).then((res) => void expectStatus(res, 200, "admin search"));
    case "adminNextPage":
      return get(people.admin!, adminNextPage).then((res) => void expectStatus(res, 200, "admin next page"));
    case "adminReportsPage":
      return get(people.admin!, "/admin/reports", "text/html").then((res) => {
        expectStatus(res, 200, "reports page");
        if (!res.body.includes("Passwordless capable")) throw new Error("the reports page did not show the totals");
      });
    case "reportActivity":
      return get(people.admin!, "/api/admin/reports/activity").then((res) => void expectStatus(res, 200, "report activity"));
    case "registrationDetailsFiltered":
      return get(people.admin!, REGISTRATIONS_FILTERED).then((res) => void expectStatus(res, 200, "registration details"));
    case "trivialGet":
      return request(baseUrl, "GET", "/.well-known/webauthn").then((res) => void expectStatus(res, 200, "trivial GET"));
  }
}

/** Runs `count` ceremonies on `concurrency` workers (each waits for its previous one), or until maxMs. */
async function run(scenario: Scenario, concurrency: number, count: number, maxMs: number, targets?: string[]): Promise<RunResult> {
  const latencies: number[] = [];
  const errors: string[] = [];
  let started = 0;
  const began = performance.now();
  const deadline = began + maxMs;
  const workerLoop = async (worker: number) => {
    for (let i = 0; started < count && performance.now() < deadline; i++) {
      started++;
      const t0 = performance.now();
      try {
        await ceremony(scenario, worker, concurrency, i, targets);
        latencies.push(performance.now() - t0);
      } catch (error) {
        errors.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => workerLoop(w)));
  return { completed: latencies.length, latencies, errors: errors.length, errorSamples: [...new Set(errors)].slice(0, 5), elapsedMs: performance.now() - began };
}

process.on("message", (message: ClientMessage) => {
  const handle = async (): Promise<ClientReply> => {
    if (message.type === "setup") {
      await setup(message);
      return { type: "ready" };
    }
    if (message.type === "setupPeer") {
      baseUrl = message.baseUrl;
      peer = true;
      for (const account of message.signIn) people.signIn.push(await setupPeerPerson(account));
      return { type: "ready" };
    }
    if (message.type === "run") return { type: "result", result: await run(message.scenario, message.concurrency, message.count, message.maxMs, message.targets) };
    process.exit(0);
  };
  handle().then(send, (error: unknown) => send({ type: "failed", message: error instanceof Error ? error.message : String(error) }));
});
