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
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  return new PrismaClient({ adapter });
}

/** The one Prisma client of the process (kept on globalThis so dev hot reloads reuse it). */
export function getDb(): PrismaClient {
  globalForDb.securityInfoDb ??= createDb();
  return globalForDb.securityInfoDb;
}

/** Closes the pool; scripts and tests call this before exiting. */
export async function disconnectDb(): Promise<void> {
  const db = globalForDb.securityInfoDb;
  globalForDb.securityInfoDb = undefined;
  await db?.$disconnect();
}
