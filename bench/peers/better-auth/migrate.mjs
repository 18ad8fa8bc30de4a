// Creates the peer's tables (user, session, account, verification, passkey) in DATABASE_URL with
// Better Auth's programmatic migration: the SQL it would run from its CLI, without the CLI.
import { getMigrations } from "better-auth/db/migration";
import { createAuth, createPool } from "./auth.mjs";

const pool = createPool();
try {
  const { toBeCreated, toBeAdded, runMigrations } = await getMigrations(createAuth(pool, { quiet: true }).options);
  await runMigrations();
  const tables = [...toBeCreated, ...toBeAdded].map((table) => table.table);
  console.log(`Better Auth tables migrated: ${tables.length > 0 ? tables.join(", ") : "none needed"}.`);
} finally {
  await pool.end();
}
