// `npm start` as a service manager or a terminal runs it, against the suite's production build and
// database on a port of its own: a SIGTERM or SIGINT sent to the npm process alone reaches every
// process it started, npm exits only after they have, and nothing is left answering; `npm run tap`
// prints the address of the server that is running (its PORT), not the command's own default.
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createTapUser, deleteTestUser } from "../fixtures/admin-audit";
import { E2E } from "../fixtures/e2e-env";
import { e2eMetadataDir } from "../fixtures/mds";
import { expect, test, type TestUser } from "../fixtures/playwright";
import { freePort, waitUntilServing } from "../fixtures/processes";

const run = promisify(execFile);

interface Started {
  child: ChildProcess;
  origin: string;
  dataDir: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let user: TestUser;
const started: Started[] = [];

test.beforeAll(async () => {
  // A user in the database, so `npm start` finds it seeded and seeds nothing of its own.
  user = await createTapUser("user", "npm-start");
});

test.afterAll(async () => {
  for (const { child, dataDir } of started) {
    // Whatever a failed test left in the group, npm itself gone or not.
    if (processesInGroup(child.pid!).length > 0) process.kill(-child.pid!, "SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  }
  await deleteTestUser(user);
});

/** `npm start` in a process group of its own (its pid is the group's id), serving on a free port. */
async function startNpm(): Promise<Started> {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), "si-npm-start-"));
  const mds = e2eMetadataDir(E2E.port);
  const child = spawn("npm", ["start"], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PORT: String(port),
      ORIGINS: origin,
      DATA_DIR: dataDir,
      MDS_BLOB_PATH: join(mds, "blob.jwt"),
      MDS_ROOT_CERT_PATH: join(mds, "mds-root.pem"),
    },
  });
  let output = "";
  const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const app = { child, origin, dataDir, output: () => output, exited };
  started.push(app);
  await waitUntilServing(`${origin}/signin`, child, () => output);
  return app;
}

/** The processes of a process group still alive (zombies excluded). */
function processesInGroup(pgid: number): string[] {
  const ps = execFileSync("ps", ["-e", "-o", "pid=,pgid=,stat=,args="]).toString();
  return ps
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter(([, group, stat]) => Number(group) === pgid && !stat?.startsWith("Z"))
    .map((fields) => fields.join(" "));
}

/** `npm run tap` for the user, with the same data directory and database but no PORT or ORIGINS. */
async function tapSignInLine(dataDir: string): Promise<string | undefined> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
  delete env.PORT;
  delete env.ORIGINS;
  const { stdout } = await run("npm", ["run", "--silent", "tap", "--", "--email", user.email], { env, timeout: 60_000 });
  return stdout.split("\n").find((line) => line.startsWith("Sign in at "));
}

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  test(`${signal} sent to the npm process stops every process npm start started`, async () => {
    test.setTimeout(180_000);
    const app = await startNpm();
    const pgid = app.child.pid!;
    expect(processesInGroup(pgid).some((p) => p.includes("scripts/server.ts"))).toBe(true);
    // Passkeys work only on the origins the server was given, never on a LAN address.
    expect(app.output()).not.toContain("Network:");
    if (signal === "SIGTERM") {
      expect(await tapSignInLine(app.dataDir)).toBe(`Sign in at ${app.origin}/signin`);
    }

    process.kill(pgid, signal);
    const timeout = new Promise<"still running">((resolve) => setTimeout(() => resolve("still running"), 60_000));
    const outcome = await Promise.race([app.exited, timeout]);
    expect(outcome, app.output()).not.toBe("still running");

    expect(processesInGroup(pgid)).toEqual([]);
    const answered = await fetch(`${app.origin}/signin`).then(() => true, () => false);
    expect(answered).toBe(false);
    expect(existsSync(join(app.dataDir, "running-server.json"))).toBe(false);
    if (signal === "SIGTERM") {
      // No server running: the command's own configuration (the default port).
      expect(await tapSignInLine(app.dataDir)).toBe("Sign in at http://localhost:3000/signin");
    }
  });
}
