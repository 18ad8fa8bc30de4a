// Which PostgreSQL a command uses: DATABASE_URL when set (and nothing is started), otherwise the
// embedded one, either already served by a running `npm start` or opened here for the command.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { ensureDataDir, findRunningEmbeddedPostgres, startEmbeddedPostgres } from "./embedded-postgres";
import { SECRET_FILE } from "./paths";

export interface Database {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

export async function openDatabase(options: { port?: number } = {}): Promise<Database> {
  if (process.env.DATABASE_URL) {
    return { url: process.env.DATABASE_URL, embedded: false, stop: async () => {} };
  }
  ensureDataDir();
  const running = await findRunningEmbeddedPostgres();
  if (running) return { url: running, embedded: true, stop: async () => {} };
  const server = await startEmbeddedPostgres(options.port);
  return { url: server.url, embedded: true, stop: () => server.stop() };
}

/**
 * Puts the database settings into process.env for the app's own modules (read lazily through
 * getConfig). On the embedded database a session secret is generated once and kept in data/;
 * a deployment with its own DATABASE_URL must bring its own SESSION_SECRET.
 */
export function applyDatabaseEnv(db: Database): void {
  process.env.DATABASE_URL = db.url;
  if (!db.embedded) return;
  process.env.DATABASE_POOL_MAX = "1";
  if (!process.env.SESSION_SECRET) process.env.SESSION_SECRET = readOrCreateSecret();
}

function readOrCreateSecret(): string {
  if (existsSync(SECRET_FILE)) {
    const secret = readFileSync(SECRET_FILE, "utf8").trim();
    if (secret.length >= 32) return secret;
  }
  const secret = randomBytes(48).toString("base64url");
  writeFileSync(SECRET_FILE, `${secret}\n`, { mode: 0o600 });
  return secret;
}
