// `npm run bench -- [--users 1000000] [--port 3300] [--database si_bench] [--quick] [--peer]`
//
// Times every user-facing ceremony against the production build (`next build`, served by
// scripts/server.ts as `npm start` serves it) on a real PostgreSQL, with the load generator in a process of its
// own (scripts/bench/load-client.ts). For each ceremony, after an untimed warm-up, at 1, 10 and 50
// concurrent clients: throughput, p50/p95/p99 latency, errors, SQL statements and committing
// transactions per ceremony (counted by the app process, DB_STATEMENT_STATS_FILE) and CPU
// milliseconds per ceremony of the app, of PostgreSQL and of the load generator (/proc/<pid>/stat).
// Beside them, the floors: a raw node:crypto ES256 verify, verifyAuthenticationResponse alone, and
// a trivial GET on the same server. Results: bench/results/latest.{json,md}.
//
// With --peer, the same load generator then drives the peer, a Better Auth passkey server
// (bench/peers/better-auth, installed there on demand, see peer.ts), through the same sign-in and
// trivial GET plans on a database of its own (<database>_peer, made anew each run), and the report
// puts both side by side.
// Sign-in is also timed on two app processes (the second on port+1, the load spread over both),
// at 10 and 50 clients, unless --processes 1.
//
// With --cpu-prof the server writes a V8 CPU profile to bench/profiles/ when the run ends (open it
// in Chrome DevTools' Performance panel).
//
// The database (default si_bench, on the server of TEST_DATABASE_URL or DATABASE_URL or the local
// one) is kept between runs: the 1,000,000-user bulk load is made once. The server's per-address
// rate limits are raised for the run (every request comes from one loopback address); the limits'
// SQL still runs on every options request.
import { fork, type ChildProcess } from "node:child_process";
import { createPublicKey, generateKeyPairSync, randomBytes, sign, verify } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { SoftAuthenticator } from "../../tests/fixtures/soft-authenticator";
import { migrate } from "../db/migrate";
import { seedBulk } from "../db/seed-bulk";
import { buildIfStale } from "../lib/build";
import { parseArgs, runMain } from "../lib/cli";
import { ROOT } from "../lib/paths";
import { spawnServer } from "../lib/server-process";
import { measurePageWeight, preparePagePerson } from "./page-weight";
import { installPeerIfStale, peerVersions, recreatePeerDatabase, startPeer } from "./peer";
import { cpuDelta, processCpuMs, processesCpu, processTreeCpu } from "./proc-stat";
import type { ClientMessage, ClientReply, PeerPerson, PersonCredentials, RunResult, Scenario } from "./protocol";
import { renderMarkdown, type BenchReport, type FloorResult, type PhaseResult } from "./report";
import { renderProcessComparison } from "./report-processes";

const USAGE =
  "Usage: npm run bench -- [--users 1000000] [--port 3300] [--database si_bench] [--quick] [--only signIn,register,...,pages] [--processes 1,2] [--cpu-prof] [--peer [--peer-port 3301]]";
/** The ceremonies the peer has. */
const PEER_SCENARIOS: readonly Scenario[] = ["trivialGet", "signIn"];
const CONCURRENCY = [1, 10, 50] as const;
const ADMIN_EMAIL = "bench-admin@example.com";
const ADMIN_QUERY = "ada";

interface ScenarioPlan {
  scenario: Scenario;
  label: string;
  /** Requests one ceremony makes. */
  requests: number;
  warmup: number;
  /** Ceremonies timed at 1, 10 and 50 concurrent clients. */
  counts: [number, number, number];
}

await runMain(async () => {
  const args = parseArgs(process.argv.slice(2));
  for (const key of args.keys()) {
    if (!["users", "port", "database", "quick", "only", "processes", "cpu-prof", "peer", "peer-port"].includes(key)) throw new Error(`Unknown option --${key}. ${USAGE}`);
  }
  const quick = args.has("quick");
  const twoProcesses = processesArg(args.get("processes"));
  const targetUsers = intArg(args.get("users"), quick ? 20_000 : 1_000_000, "users");
  const port = intArg(args.get("port"), 3300, "port");
  const database = String(args.get("database") ?? "si_bench");
  if (!/^[a-z0-9_]+$/.test(database)) throw new Error(`--database must be lower-case letters, digits and _. ${USAGE}`);
  const withPeer = args.has("peer");
  if (withPeer && args.get("peer") !== true) throw new Error(`--peer takes no value. ${USAGE}`);
  if (args.has("peer-port") && !withPeer) throw new Error(`--peer-port goes with --peer. ${USAGE}`);
  const peerPort = intArg(args.get("peer-port"), port + 1, "peer-port");
  if (withPeer && peerPort === port) throw new Error(`--peer-port must differ from --port. ${USAGE}`);
  const scale = quick ? 0.1 : 1;
  const n = (count: number) => Math.max(20, Math.round(count * scale));

  const plans: ScenarioPlan[] = [
    { scenario: "trivialGet", label: "trivial GET (floor)", requests: 1, warmup: n(1000), counts: [n(1000), n(5000), n(8000)] },
    { scenario: "signIn", label: "passkey sign-in (options + verify)", requests: 2, warmup: n(1000), counts: [n(300), n(1500), n(2500)] },
    { scenario: "register", label: "passkey registration (options + verify)", requests: 2, warmup: n(200), counts: [n(100), n(500), n(1000)] },
    { scenario: "listPasskeys", label: "GET /api/me/passkeys (10 passkeys)", requests: 1, warmup: n(1000), counts: [n(500), n(3000), n(5000)] },
    { scenario: "securityInfoPage", label: "security-info page", requests: 1, warmup: n(300), counts: [n(200), n(1000), n(1500)] },
    { scenario: "adminSearch", label: `admin user search "${ADMIN_QUERY}"`, requests: 1, warmup: n(200), counts: [n(200), n(1000), n(1500)] },
    { scenario: "adminNextPage", label: "admin search, next page", requests: 1, warmup: n(200), counts: [n(200), n(1000), n(1500)] },
    { scenario: "adminReportsPage", label: "admin reports page (30 days)", requests: 1, warmup: n(50), counts: [n(50), n(200), n(300)] },
    { scenario: "reportActivity", label: "GET /api/admin/reports/activity", requests: 1, warmup: n(50), counts: [n(50), n(200), n(300)] },
    { scenario: "registrationDetailsFiltered", label: "registration details, password and not MFA capable", requests: 1, warmup: n(50), counts: [n(50), n(200), n(300)] },
  ];
  const only = args.get("only");
  if (only === true) throw new Error(`--only takes a comma-separated list of ceremonies. ${USAGE}`);
  // "pages": first-load JS and load time of /signin and /security-info on a throttled phone (page-weight.ts).
  const measurePages = !only || only.split(",").includes("pages");
  if (only) {
    const wanted = new Set(only.split(","));
    for (const name of wanted) {
      if (name !== "pages" && !plans.some((plan) => plan.scenario === name)) throw new Error(`--only: no ceremony "${name}" (${plans.map((p) => p.scenario).join(", ")}).`);
    }
    plans.splice(0, plans.length, ...plans.filter((plan) => wanted.has(plan.scenario)));
  }
  const peerPlans = withPeer ? plans.filter((plan) => PEER_SCENARIOS.includes(plan.scenario)) : [];
  if (withPeer && peerPlans.length === 0) throw new Error(`--peer compares ${PEER_SCENARIOS.join(" and ")}: name one of them in --only.`);
  const signInPeople = quick ? 60 : 200;
  const registerPlan = plans.find((plan) => plan.scenario === "register");
  const registerPeople = registerPlan ? Math.ceil((registerPlan.warmup + registerPlan.counts.reduce((a, b) => a + b, 0)) / 9) + 60 : 0;

  // The peer's packages, before the long part of the run: a failed install stops it at once.
  if (withPeer) installPeerIfStale();

  // 1. The database: made once, migrated, loaded with the bulk users once.
  const serverUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const monitor = new pg.Client({ connectionString: serverUrl });
  await monitor.connect();
  const databaseUrl = withDatabase(serverUrl, database);
  // The server's configuration, set before anything here reads it (the bulk load hashes its
  // password through the server's bounded hash slots, which read their limits from it).
  const stamp = randomBytes(6).toString("hex");
  Object.assign(process.env, {
    DATABASE_URL: databaseUrl,
    SESSION_SECRET: `bench-${stamp}-${randomBytes(24).toString("base64url")}`,
    RP_ID: "localhost",
    ORIGINS: `http://localhost:${port}`,
    PORT: String(port),
  });
  try {
    const exists = await monitor.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (exists.rowCount === 0) await monitor.query(`CREATE DATABASE "${database}"`);
    await migrate(databaseUrl, { log: () => {} });
    const existing = await countUsers(databaseUrl);
    if (existing < targetUsers) {
      console.log(`Loading ${(targetUsers - existing).toLocaleString("en-US")} bulk users into ${database} (once; kept for later runs)...`);
      await seedBulk(databaseUrl, { users: targetUsers - existing, log: () => {} });
    }
    // Every run, on the loaded database itself (a VACUUM runs in the database it is connected to):
    // earlier runs leave every sign-in's challenge and session behind as dead rows, which a server
    // without autovacuum (this machine image's) never clears, and each run would otherwise pay more
    // than the last for them; the peer's database is made anew each run. Also a fresh visibility
    // map, so the timed index-only reads do not visit the heap.
    await vacuumAnalyze(databaseUrl);
    const users = await countUsers(databaseUrl);
    console.log(`Database ${database}: ${users.toLocaleString("en-US")} users.`);

    // 2. The people the load generator plays, made directly in the database with a pass each.
    const people = await makePeople(signInPeople, registerPeople);
    const pagePerson = measurePages ? await preparePagePerson("bench-pages@bench.example") : null;

    // 3. The production server.
    const statsFile = join(tmpdir(), `security-info-bench-${stamp}.json`);
    const profileDir = args.has("cpu-prof") ? join(ROOT, "bench", "profiles") : null;
    await ensurePortFree(port);
    if (withPeer) await ensurePortFree(peerPort);
    const server = startServer(port, statsFile, profileDir);
    let client: ChildProcess | null = null;
    let floors: FloorResult[];
    const phases: PhaseResult[] = [];
    let serverTransactions: BenchReport["signInServerTransactions"];
    let pages: BenchReport["pages"];
    let twoProcessSignIns: BenchReport["twoProcessSignIns"] = null;
    try {
      await waitForServer(`http://localhost:${port}/signin`, server);
      const appPid = server.pid!;

      // 4. The floors, measured in this process on one core while the server idles.
      floors = await measureFloors();

      // 5. The load generator: signs the people in and gives them their passkeys.
      client = forkClient();
      const ask = askClient(client);
      const probes: Probes = { monitor, database, appPids: [appPid], clientPid: client.pid!, statsFiles: [statsFile] };
      await ask({ type: "setup", baseUrl: `http://localhost:${port}`, ...people, adminQuery: ADMIN_QUERY });
      phases.push(...(await runPlans(plans, probes, ask)));

      // 6. Sign-in again on two app processes.
      const signInPlan = plans.find((plan) => plan.scenario === "signIn");
      twoProcessSignIns =
        twoProcesses && signInPlan ? await measureTwoProcesses(signInPlan, { port, stamp, probes, ask }) : null;

      // 7. PostgreSQL's own count of transactions per sign-in (read-only ones included), as a check
      // on the app's count. Backends report their counts within about ten seconds.
      serverTransactions = plans.some((plan) => plan.scenario === "signIn")
        ? await countServerTransactions(monitor, database, () =>
            ask({ type: "run", scenario: "signIn", concurrency: 1, count: n(200), maxMs: 60_000 }),
          )
        : null;

      pages = pagePerson ? await measurePageWeight({ baseUrl: `http://localhost:${port}`, person: pagePerson, runs: quick ? 3 : 5 }) : undefined;
    } finally {
      await stopClient(client);
      await stopServer(server);
      rmSync(statsFile, { force: true });
    }

    // 7. The peer, once the app's server and load generator have stopped: a database of its own on
    // the same PostgreSQL, made anew; its own server process; a new load generator; the same plans.
    let peer: BenchReport["peer"];
    if (withPeer) {
      const versions = peerVersions();
      const peerDatabase = `${database}_peer`;
      const peerDatabaseUrl = withDatabase(serverUrl, peerDatabase);
      console.log(`Peer: Better Auth ${versions.betterAuth} with @better-auth/passkey ${versions.passkey} on database ${peerDatabase} (made anew)...`);
      await recreatePeerDatabase(monitor, peerDatabase, peerDatabaseUrl);
      const peerStatsFile = join(tmpdir(), `security-info-bench-peer-${stamp}.json`);
      await ensurePortFree(peerPort);
      const peerServer = startPeer({ port: peerPort, databaseUrl: peerDatabaseUrl, statsFile: peerStatsFile });
      let peerClient: ChildProcess | null = null;
      try {
        const peerUrl = `http://localhost:${peerPort}`;
        await waitForServer(`${peerUrl}/api/auth/ok`, peerServer);
        peerClient = forkClient();
        const ask = askClient(peerClient);
        // The same number of people as the app's sign-in, each with one passkey.
        const password = randomBytes(18).toString("base64url");
        const accounts: PeerPerson[] = people.signIn.map((_, i) => ({ email: `bench-peer-signin-${i}@bench.example`, password }));
        await ask({ type: "setupPeer", baseUrl: peerUrl, signIn: accounts });
        const label = `Better Auth ${versions.betterAuth}`;
        const labelled = peerPlans.map((plan) => ({
          ...plan,
          label: `${label}: ${plan.scenario === "trivialGet" ? "trivial GET /api/auth/ok (floor)" : plan.label}`,
        }));
        const probes: Probes = { monitor, database: peerDatabase, appPids: [peerServer.pid!], clientPid: peerClient.pid!, statsFiles: [peerStatsFile] };
        phases.push(...(await runPlans(labelled, probes, ask)).map((phase) => ({ ...phase, peer: true })));
        peer = { name: "Better Auth", version: versions.betterAuth, passkeyPlugin: versions.passkey, database: peerDatabase, users: accounts.length };
      } finally {
        await stopClient(peerClient);
        await stopServer(peerServer);
        rmSync(peerStatsFile, { force: true });
      }
    }

    const report: BenchReport = {
      date: new Date().toISOString(),
      machine: machineFacts(),
      database: { name: database, users },
      floors,
      phases,
      signInServerTransactions: serverTransactions,
      ...(pages ? { pages } : {}),
      twoProcessSignIns,
      ...(peer ? { peer } : {}),
    };
    writeResults(report);
  } finally {
    await monitor.end();
  }
});

function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function vacuumAnalyze(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("VACUUM ANALYZE");
  } finally {
    await client.end();
  }
}

async function countUsers(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return Number((await client.query(`SELECT count(*) AS n FROM "User"`)).rows[0].n);
  } finally {
    await client.end();
  }
}

/** Makes (or finds) the benchmark's people, clears what earlier runs left them, issues passes. */
async function makePeople(signInCount: number, registerCount: number) {
  const { disconnectDb, getDb } = await import("../../src/server/db");
  const { createUser, getUserByEmail } = await import("../../src/server/users");
  const { issueTemporaryAccessPass } = await import("../../src/server/tap/issue-temporary-access-pass");
  const ctx = { ip: null, userAgent: "bench" };
  const person = async (email: string, role: "user" | "admin" = "user"): Promise<PersonCredentials> => {
    const user = (await getUserByEmail(email)) ?? (await createUser({ email, displayName: email.split("@")[0]!, role }));
    return { email, code: (await issueTemporaryAccessPass({ userId: user.id, ctx })).code };
  };
  try {
    const db = getDb();
    const benchUsers = { OR: [{ email: { startsWith: "bench-" } }] };
    await db.passkey.deleteMany({ where: { user: benchUsers } });
    await db.userSession.deleteMany({ where: { user: benchUsers } });
    const signIn: PersonCredentials[] = [];
    for (let i = 0; i < signInCount; i++) signIn.push(await person(`bench-signin-${i}@bench.example`));
    const register: PersonCredentials[] = [];
    for (let i = 0; i < registerCount; i++) register.push(await person(`bench-register-${i}@bench.example`));
    const list = await person("bench-list@bench.example");
    const admin = await person(ADMIN_EMAIL, "admin");
    // Past the passkey prompt: these people are timed on their pages, not shown the campaign.
    await db.user.updateMany({ where: benchUsers, data: { campaignSnoozedUntil: new Date(Date.now() + 365 * 86_400_000) } });
    await db.user.updateMany({ where: { email: ADMIN_EMAIL }, data: { role: "admin" } });
    return { signIn, register, list, admin };
  } finally {
    await disconnectDb();
  }
}

/**
 * The production server of the current sources (built first if needed), as its own process so that its CPU
 * is the app's alone; with `profileDir`, it writes a V8 CPU profile there when it stops.
 */
function startServer(port: number, statsFile: string, profileDir: string | null): ChildProcess {
  Object.assign(process.env, { NODE_ENV: "production" });
  console.log("Starting the production server (building first if the sources changed)...");
  buildIfStale();
  const profile = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawnServer({
    nodeOptions: profile,
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      DB_STATEMENT_STATS_FILE: statsFile,
      // One loopback address sends every request of the run.
      CEREMONY_RATE_PER_IP: "1000000",
      CEREMONY_RATE_PER_ACCOUNT: "10000",
      SIGNIN_IP_MAX_FAILURES: "100000",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return child;
}

/**
 * Refuses to start when something already answers on the port: the run would otherwise measure
 * (and change the data of) whatever server is there, such as another benchmark's.
 */
async function ensurePortFree(port: number): Promise<void> {
  const answered = await fetch(`http://localhost:${port}/`).then(
    () => true,
    () => false,
  );
  if (answered) throw new Error(`Something already answers on port ${port}; stop it or pass --port.`);
}

async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return;
  const exited = new Promise((resolve) => server.once("exit", resolve));
  server.kill("SIGTERM");
  await Promise.race([exited, pause(10_000)]);
}

async function waitForServer(url: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 2 * 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`The server stopped (exit code ${server.exitCode}).`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`The server did not answer ${url} within 2 minutes.`);
}

/** The load generator, a process of its own so that its CPU is counted apart. */
function forkClient(): ChildProcess {
  return fork(join(ROOT, "scripts", "bench", "load-client.ts"), [], { execArgv: ["--import", "tsx"], stdio: "inherit" });
}

async function stopClient(client: ChildProcess | null): Promise<void> {
  if (!client || client.exitCode !== null) return;
  const exited = new Promise((resolve) => client.once("exit", resolve));
  client.send({ type: "exit" } satisfies ClientMessage);
  await Promise.race([exited, pause(5_000)]);
}

/**
 * Each plan: an untimed warm-up at 10 clients, then the timed runs at 1, 10 and 50, each measured
 * (CPU of the server, its database's PostgreSQL backends and the load generator; statements and
 * commits the server counted).
 */
async function runPlans(plans: ScenarioPlan[], probes: Probes, ask: ReturnType<typeof askClient>): Promise<PhaseResult[]> {
  const phases: PhaseResult[] = [];
  for (const plan of plans) {
    await ask({ type: "run", scenario: plan.scenario, concurrency: 10, count: plan.warmup, maxMs: 120_000 }).then((r) => expectNoErrors(plan, "warm-up", r));
    for (const [i, concurrency] of CONCURRENCY.entries()) {
      const phase = summarise(plan, concurrency, await measure(probes, () => ask({ type: "run", scenario: plan.scenario, concurrency, count: plan.counts[i]!, maxMs: 60_000 })));
      phases.push(phase);
      console.log(
        `${plan.label} @${concurrency}: ${phase.throughput.toFixed(0)}/s, p50 ${phase.p50.toFixed(1)} ms, p99 ${phase.p99.toFixed(1)} ms, ` +
          `errors ${phase.errors}, server ${phase.appCpuMs.toFixed(2)} ms, pg ${phase.pgCpuMs.toFixed(2)} ms, ${phase.statements.toFixed(1)} statements, ${phase.commits.toFixed(1)} commits`,
      );
    }
  }
  return phases;
}

function askClient(client: ChildProcess) {
  return (message: ClientMessage): Promise<RunResult> =>
    new Promise((resolve, reject) => {
      const onMessage = (reply: ClientReply) => {
        client.off("exit", onExit);
        if (reply.type === "failed") reject(new Error(`Load generator: ${reply.message}`));
        else resolve(reply.type === "result" ? reply.result : { completed: 0, latencies: [], errors: 0, errorSamples: [], elapsedMs: 0 });
      };
      const onExit = (code: number | null) => reject(new Error(`The load generator stopped (exit code ${code}).`));
      client.once("message", onMessage);
      client.once("exit", onExit);
      client.send(message);
    });
}

function expectNoErrors(plan: ScenarioPlan, what: string, result: RunResult): void {
  if (result.errors > 0) throw new Error(`${plan.label} ${what}: ${result.errors} errors, e.g. ${result.errorSamples.join(" | ")}`);
}

interface Probes {
  monitor: pg.Client;
  database: string;
  /** The app's processes: their CPU and statements are added up. */
  appPids: number[];
  clientPid: number;
  statsFiles: string[];
}

interface Measured {
  result: RunResult;
  appCpuMs: number;
  pgCpuMs: number;
  clientCpuMs: number;
  statements: number;
  commits: number;
}

async function postgresPids(probes: Probes): Promise<number[]> {
  // The database's own backends and the server's background processes (WAL writer, checkpointer...).
  const { rows } = await probes.monitor.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE (datname = $1 OR backend_type <> 'client backend') AND pid <> pg_backend_pid()`,
    [probes.database],
  );
  return rows.map((r) => r.pid);
}

function readStatementStats(file: string): { statements: number; commits: number } {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return { statements: 0, commits: 0 };
  }
}

function sumStatementStats(files: string[]): { statements: number; commits: number } {
  const all = files.map(readStatementStats);
  return { statements: all.reduce((sum, s) => sum + s.statements, 0), commits: all.reduce((sum, s) => sum + s.commits, 0) };
}

function appProcessesCpu(pids: number[]): Map<number, number> {
  return new Map(pids.flatMap((pid) => [...processTreeCpu(pid)]));
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function measure(probes: Probes, run: () => Promise<RunResult>): Promise<Measured> {
  await pause(300); // the app writes its statement counts every 200 ms
  const statsBefore = sumStatementStats(probes.statsFiles);
  const appBefore = appProcessesCpu(probes.appPids);
  const pgPidsBefore = await postgresPids(probes);
  const pgBefore = processesCpu(pgPidsBefore);
  const clientBefore = processCpuMs(probes.clientPid);
  const result = await run();
  const clientAfter = processCpuMs(probes.clientPid);
  const appAfter = appProcessesCpu(probes.appPids);
  const pgAfter = processesCpu(new Set([...pgPidsBefore, ...(await postgresPids(probes))]));
  await pause(300);
  const statsAfter = sumStatementStats(probes.statsFiles);
  return {
    result,
    appCpuMs: cpuDelta(appBefore, appAfter),
    pgCpuMs: cpuDelta(pgBefore, pgAfter),
    clientCpuMs: clientAfter - clientBefore,
    statements: statsAfter.statements - statsBefore.statements,
    commits: statsAfter.commits - statsBefore.commits,
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

function summarise(plan: ScenarioPlan, concurrency: number, m: Measured): PhaseResult {
  const sorted = [...m.result.latencies].sort((a, b) => a - b);
  const done = Math.max(1, m.result.completed + m.result.errors);
  return {
    scenario: plan.scenario,
    label: plan.label,
    concurrency,
    ceremonies: m.result.completed,
    errors: m.result.errors,
    errorSamples: m.result.errorSamples,
    throughput: m.result.completed / (m.result.elapsedMs / 1000),
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? Number.NaN,
    appCpuMs: m.appCpuMs / done,
    pgCpuMs: m.pgCpuMs / done,
    clientCpuMs: m.clientCpuMs / done,
    statements: m.statements / done,
    commits: m.commits / done,
  };
}

async function countServerTransactions(monitor: pg.Client, database: string, run: () => Promise<RunResult>) {
  const read = async () => {
    await monitor.query("SELECT pg_stat_clear_snapshot()");
    const { rows } = await monitor.query<{ c: string }>("SELECT xact_commit AS c FROM pg_stat_database WHERE datname = $1", [database]);
    return Number(rows[0]!.c);
  };
  await pause(11_000);
  const before = await read();
  const result = await run();
  await pause(11_000);
  const after = await read();
  return { ceremonies: result.completed, perCeremony: (after - before) / Math.max(1, result.completed) };
}

/** The floors, each on one core in this process: what no implementation of the ceremony can beat. */
async function measureFloors(): Promise<FloorResult[]> {
  const { generateAuthenticationOptions, verifyAuthenticationResponse } = await import("@simplewebauthn/server");
  const timeLoop = (run: () => unknown, ms = 2000) => {
    for (let i = 0; i < 200; i++) run();
    let count = 0;
    const started = performance.now();
    while (performance.now() - started < ms) {
      for (let i = 0; i < 50; i++) run();
      count += 50;
    }
    return (performance.now() - started) / count;
  };

  // A raw ES256 verify of a message the size of authenticatorData + SHA-256(clientDataJSON).
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const message = randomBytes(37 + 32);
  const signature = sign("sha256", message, privateKey);
  const rawVerify = timeLoop(() => verify("sha256", message, publicKey, signature));
  // The same from a public key that must be parsed first, as a server does per request.
  const spki = publicKey.export({ format: "der", type: "spki" });
  const parsedVerify = timeLoop(() => verify("sha256", message, createPublicKey({ key: spki, format: "der", type: "spki" }), signature));

  // verifyAuthenticationResponse alone, on one valid assertion.
  const origin = "http://localhost:3000";
  const authenticator = new SoftAuthenticator();
  const registration = authenticator.createCredential({
    options: {
      challenge: randomBytes(32).toString("base64url"),
      rp: { id: "localhost", name: "bench" },
      user: { id: randomBytes(16).toString("base64url"), name: "floor", displayName: "floor" },
      pubKeyCredParams: [{ type: "public-key", alg: -7 }],
    },
    origin,
  });
  const credential = authenticator.credentials[0]!;
  const options = await generateAuthenticationOptions({ rpID: "localhost", userVerification: "preferred" });
  const response = authenticator.getAssertion({ options, origin });
  const verifyOnce = () =>
    verifyAuthenticationResponse({
      response,
      expectedChallenge: options.challenge,
      expectedOrigin: origin,
      expectedRPID: "localhost",
      credential: { id: registration.id, publicKey: credential.publicKey, counter: 0 },
    });
  for (let i = 0; i < 200; i++) await verifyOnce();
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < 2000) {
    await verifyOnce();
    count++;
  }
  const libraryVerify = (performance.now() - started) / count;
  return [
    { name: "node:crypto ES256 verify (key object ready)", ms: rawVerify },
    { name: "node:crypto ES256 verify (SPKI key parsed each time)", ms: parsedVerify },
    { name: "verifyAuthenticationResponse alone", ms: libraryVerify },
  ];
}

function machineFacts() {
  const cpus = readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.+)$/m)?.[1] ?? "unknown";
  return { node: process.version, cores: (readFileSync("/proc/cpuinfo", "utf8").match(/^processor\s*:/gm) ?? []).length, cpu: cpus };
}

function writeResults(report: BenchReport): void {
  const dir = join(ROOT, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const markdown = renderMarkdown(report) + renderProcessComparison(report);
  writeFileSync(join(dir, "latest.json"), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, "latest.md"), markdown);
  console.log(`\n${markdown}`);
  console.log(`Written to bench/results/latest.json and bench/results/latest.md`);
}

/** --processes: "1,2" (the default) adds the two-process sign-in phases, "1" leaves them out. */
function processesArg(value: string | true | undefined): boolean {
  if (value === undefined) return true;
  const list = value === true ? [] : value.split(",").map((v) => v.trim());
  if (list.length === 0 || list.some((v) => v !== "1" && v !== "2") || !list.includes("1")) {
    throw new Error(`--processes takes 1 or 1,2 (the first phases always run on one process). ${USAGE}`);
  }
  return list.includes("2");
}

/**
 * Sign-in on two app processes: a second server, configured as the first but on port + 1 with its
 * own statement counts, and the load generator sending each request to the next process in turn.
 * Measured at 10 and 50 clients after an untimed warm-up; CPU and statements are both processes'.
 */
async function measureTwoProcesses(
  plan: ScenarioPlan,
  { port, stamp, probes, ask }: { port: number; stamp: string; probes: Probes; ask: ReturnType<typeof askClient> },
): Promise<PhaseResult[]> {
  const secondPort = port + 1;
  await ensurePortFree(secondPort);
  const statsFile = join(tmpdir(), `security-info-bench-${stamp}-second.json`);
  const second = startServer(secondPort, statsFile, null);
  try {
    await waitForServer(`http://localhost:${secondPort}/signin`, second);
    const targets = [`http://localhost:${port}`, `http://localhost:${secondPort}`];
    const both: Probes = { ...probes, appPids: [...probes.appPids, second.pid!], statsFiles: [...probes.statsFiles, statsFile] };
    await ask({ type: "run", scenario: "signIn", concurrency: 10, count: plan.warmup, maxMs: 120_000, targets }).then((r) =>
      expectNoErrors(plan, "two-process warm-up", r),
    );
    const phases: PhaseResult[] = [];
    for (const concurrency of [10, 50] as const) {
      const count = plan.counts[CONCURRENCY.indexOf(concurrency)]!;
      const measured = await measure(both, () => ask({ type: "run", scenario: "signIn", concurrency, count, maxMs: 60_000, targets }));
      const phase = summarise(plan, concurrency, measured);
      phases.push(phase);
      console.log(
        `${plan.label} on 2 processes @${concurrency}: ${phase.throughput.toFixed(0)}/s, p50 ${phase.p50.toFixed(1)} ms, p99 ${phase.p99.toFixed(1)} ms, ` +
          `errors ${phase.errors}, app ${phase.appCpuMs.toFixed(2)} ms (both), pg ${phase.pgCpuMs.toFixed(2)} ms`,
      );
    }
    return phases;
  } finally {
    await stopServer(second);
    rmSync(statsFile, { force: true });
  }
}

function intArg(value: string | true | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value === true || !Number.isInteger(n) || n < 1) throw new Error(`--${name} takes a whole number above 0. ${USAGE}`);
  return n;
}
