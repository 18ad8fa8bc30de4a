// The embedded default: PostgreSQL compiled to WebAssembly (PGlite), kept in data/pglite and
// served on a loopback port with the PostgreSQL wire protocol, so the app talks to it exactly as to
// a real server.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { DATA_DIR, EMBEDDED_INFO_FILE, PGLITE_DIR } from "./paths";

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/** Starts PGlite on data/pglite and serves it on 127.0.0.1 (port 0 = any free port). */
export async function startEmbeddedPostgres(port = 0): Promise<EmbeddedPostgres> {
  mkdirSync(PGLITE_DIR, { recursive: true });
  const db = await PGlite.create(PGLITE_DIR);
  const chosen = port || (await freePort());
  // Connections are multiplexed onto PGlite's one session; clients must use a pool of one.
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: chosen, maxConnections: 16 });
  await server.start();
  const url = `postgresql://postgres@127.0.0.1:${chosen}/postgres?sslmode=disable`;
  writeFileSync(EMBEDDED_INFO_FILE, JSON.stringify({ url, pid: process.pid }));
  let stopped = false;
  return {
    url,
    async stop() {
      if (stopped) return;
      stopped = true;
      rmSync(EMBEDDED_INFO_FILE, { force: true });
      await server.stop();
      await db.close();
    },
  };
}

/** The URL of an embedded server another process (`npm start`) is serving right now, if any. */
export async function findRunningEmbeddedPostgres(): Promise<string | null> {
  let info: { url: string; pid: number };
  try {
    info = JSON.parse(readFileSync(EMBEDDED_INFO_FILE, "utf8"));
  } catch {
    return null;
  }
  const port = Number(new URL(info.url).port);
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port }, () => {
      socket.end();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
  return reachable ? info.url : null;
}

export function ensureDataDir(): void {
  mkdirSync(DATA_DIR, { recursive: true, mode: 0o700 });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
