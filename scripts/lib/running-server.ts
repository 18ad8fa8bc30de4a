// Which address `npm start` is serving right now: written when it starts serving, removed when it
// stops, read by `npm run tap` so the sign-in link it prints is the one that works (the server's
// PORT and ORIGINS, not the command's own defaults).
import { createHash } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { ensureDataDir } from "./embedded-postgres";
import { SERVER_INFO_FILE } from "./paths";

interface ServerInfo {
  pid: number;
  origin: string;
  /** SHA-256 of the database URL it serves, so a server on another database is never named. */
  database: string;
}

const digest = (databaseUrl: string) => createHash("sha256").update(databaseUrl).digest("hex");

export function recordRunningServer(origin: string, databaseUrl: string): void {
  ensureDataDir();
  const info: ServerInfo = { pid: process.pid, origin, database: digest(databaseUrl) };
  writeFileSync(SERVER_INFO_FILE, JSON.stringify(info), { mode: 0o600 });
}

export function forgetRunningServer(): void {
  try {
    const info = JSON.parse(readFileSync(SERVER_INFO_FILE, "utf8")) as ServerInfo;
    if (info.pid === process.pid) rmSync(SERVER_INFO_FILE, { force: true });
  } catch {
    // Nothing recorded, or another server's record: leave it.
  }
}

/** The origin of the `npm start` serving `databaseUrl` now, if there is one. */
export function runningServerOrigin(databaseUrl: string): string | null {
  let info: ServerInfo;
  try {
    info = JSON.parse(readFileSync(SERVER_INFO_FILE, "utf8")) as ServerInfo;
  } catch {
    return null;
  }
  if (info.database !== digest(databaseUrl) || !alive(info.pid)) return null;
  return info.origin;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
