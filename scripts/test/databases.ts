// Throwaway databases for the test suites, on the PostgreSQL server of TEST_DATABASE_URL (or
// DATABASE_URL, or the local server): each run gets its own fresh, fully migrated database.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { migrate } from "../db/migrate";

export function testServerUrl(): string {
  return process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(serverUrl: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** Creates (replacing any of the same name) and migrates a database; returns its URL. */
export async function createTestDatabase(
  prefix: string,
  { name: fixedName, serverUrl = testServerUrl() }: { name?: string; serverUrl?: string } = {},
): Promise<{ name: string; url: string }> {
  const name = fixedName ?? `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`Bad database name ${name}`);
  await admin(serverUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  });
  const url = withDatabase(serverUrl, name);
  await migrate(url, { log: () => {} });
  return { name, url };
}

export async function dropTestDatabase(name: string): Promise<void> {
  await admin(testServerUrl(), (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}
