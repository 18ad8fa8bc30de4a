import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "@/generated/prisma/client";
import { getConfig } from "./config";
import { countPoolStatements } from "./db-statement-stats";

import type { Prisma } from "@/generated/prisma/client";
export type { Prisma };
export type Db = PrismaClient;
export type Tx = Prisma.TransactionClient;

const globalForDb = globalThis as unknown as { securityInfoDb?: PrismaClient };

function createDb(): PrismaClient {
  const config = getConfig();
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: config.databasePoolMax });
  if (config.dbStatementStatsFile) countPoolStatements(pool, config.dbStatementStatsFile);
  const adapter = new PrismaPg(pool, { disposeExternalPool: true, statementNameGenerator: statementName });
  return new PrismaClient({ adapter });
}

/** At most this many SQL texts get a name; any beyond are parsed and planned each time, as before. */
const NAMED_STATEMENTS_MAX = 500;
const statementNames = new Map<string, string>();

/**
 * A name for each SQL text the app sends, so each pooled connection parses it once and PostgreSQL
 * keeps its plan (a generic one once five executions show it is as good as planning for the values,
 * otherwise it goes on planning per execution): a sign-in's few statements are large, and planning
 * them each time was much of PostgreSQL's work per sign-in. The same text always gets the same name
 * in this process, and a connection belongs to one process's pool. Texts that differ per call (a
 * list of n values, n varying) would each take a name: the cap bounds what a connection keeps.
 */
function statementName({ sql }: { sql: string }): string {
  let name = statementNames.get(sql);
  if (name === undefined) {
    // An empty name is pg's unnamed statement: parsed and planned for this execution only.
    if (statementNames.size >= NAMED_STATEMENTS_MAX) return "";
    name = `si_${statementNames.size}`;
    statementNames.set(sql, name);
  }
  return name;
}

/** This copy of the module's own client, once ownDbForThisCopy() was called. */
let ownDb: { client?: PrismaClient } | undefined;

/**
 * The Prisma client, one per process (kept on globalThis so dev hot reloads reuse it); the copy of
 * this module our own server loads for the routes it answers itself (scripts/lib/direct-routes.ts)
 * keeps a client and pool of its own instead, so that no Prisma object made by one copy of the
 * generated client meets the other copy's code (as if it were another process, decision 020).
 */
export function getDb(): PrismaClient {
  if (ownDb) return (ownDb.client ??= createDb());
  globalForDb.securityInfoDb ??= createDb();
  return globalForDb.securityInfoDb;
}

/** Makes getDb() of this copy of the module use a client of its own (see getDb). */
export function ownDbForThisCopy(): void {
  ownDb ??= {};
}

/** Closes the pool; scripts and tests call this before exiting. */
export async function disconnectDb(): Promise<void> {
  if (ownDb) {
    const own = ownDb.client;
    ownDb.client = undefined;
    await own?.$disconnect();
    return;
  }
  const db = globalForDb.securityInfoDb;
  globalForDb.securityInfoDb = undefined;
  await db?.$disconnect();
}
