// The benchmark's peer (`npm run bench -- --peer`): the Better Auth passkey server in
// bench/peers/better-auth, a project of its own with its own package.json and lock file. It is
// installed there on demand, never with the app's dependencies, and runs as a process of its own on
// a database of its own, so that its CPU and its PostgreSQL backends are counted apart from the app's.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import type pg from "pg";
import { ROOT } from "../lib/paths";

export const PEER_DIR = join(ROOT, "bench", "peers", "better-auth");

/** What the peer is, from its installed packages: Better Auth and its passkey plugin. */
export function peerVersions(): { betterAuth: string; passkey: string } {
  const version = (name: string) => JSON.parse(readFileSync(join(PEER_DIR, "node_modules", name, "package.json"), "utf8")).version as string;
  return { betterAuth: version("better-auth"), passkey: version("@better-auth/passkey") };
}

/**
 * Runs `npm ci` in the peer's folder when its node_modules is missing or older than its lock file
 * (npm writes node_modules/.package-lock.json at the end of every install), with the Node.js that
 * runs the benchmark.
 */
export function installPeerIfStale(): void {
  const lock = join(PEER_DIR, "package-lock.json");
  const installed = join(PEER_DIR, "node_modules", ".package-lock.json");
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log(`Installing the peer's packages into ${join("bench", "peers", "better-auth", "node_modules")} (npm ci)...`);
  const result = spawnSync(process.execPath, [npmCli(), "ci", "--no-audit", "--no-fund"], { cwd: PEER_DIR, env: installEnv(), stdio: "inherit" });
  if (result.status !== 0) throw new Error(`npm ci in ${PEER_DIR} failed (exit code ${result.status}).`);
}

/** npm's own script: the one running this benchmark (`npm run bench`), else the `npm` on PATH. */
function npmCli(): string {
  const running = process.env.npm_execpath;
  if (running && /npm-cli\.[cm]?js$/.test(running)) return running;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, "npm");
    if (!existsSync(candidate)) continue;
    const script = realpathSync(candidate);
    if (/npm-cli\.[cm]?js$/.test(script)) return script;
  }
  throw new Error("npm is not on PATH: it installs the peer's packages.");
}

/**
 * The environment of the peer's install: `npm run` hands its scripts the app's own settings
 * (npm_config_local_prefix names the app's folder, npm_package_* its package.json): without them the
 * install is the peer folder's alone. The benchmark's Node.js comes first on PATH.
 */
function installEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    const lower = name.toLowerCase();
    if (lower.startsWith("npm_package_") || lower.startsWith("npm_lifecycle_") || lower === "npm_config_local_prefix" || lower === "init_cwd") delete env[name];
  }
  env.PATH = [dirname(process.execPath), process.env.PATH ?? ""].join(delimiter);
  return env;
}

/** Drops and recreates the peer's database, then creates Better Auth's tables in it. */
export async function recreatePeerDatabase(monitor: pg.Client, name: string, databaseUrl: string): Promise<void> {
  await monitor.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await monitor.query(`CREATE DATABASE "${name}"`);
  const result = spawnSync(process.execPath, ["migrate.mjs"], {
    cwd: PEER_DIR,
    env: peerEnv(databaseUrl),
    stdio: "inherit",
  });
  if (result.status !== 0) throw new Error(`The peer's migration failed (exit code ${result.status}).`);
}

/** The peer server (bench/peers/better-auth/server.mjs) in production mode, one node process. */
export function startPeer({ port, databaseUrl, statsFile }: { port: number; databaseUrl: string; statsFile: string }): ChildProcess {
  return spawn(process.execPath, ["server.mjs"], {
    cwd: PEER_DIR,
    env: {
      ...peerEnv(databaseUrl),
      PORT: String(port),
      DB_STATEMENT_STATS_FILE: statsFile,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/** Only what the peer reads (a new secret each time): none of the app's settings reach it. */
function peerEnv(databaseUrl: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    BETTER_AUTH_SECRET: randomBytes(32).toString("base64url"),
  };
}
