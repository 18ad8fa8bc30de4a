// Applies pending migrations: `npm run db:migrate` (DATABASE_URL, or the embedded database).
//
// Does what `prisma migrate deploy` does, through the WebAssembly schema engine (see
// ./schema-engine.ts): it reads prisma/migrations/<dir>/migration.sql in name order, applies the
// ones not yet recorded and records them in Prisma's standard `_prisma_migrations` table, so the
// native CLI can take over the same folder and database wherever it can be downloaded.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { MigrationList } from "@prisma/schema-engine-wasm/schema_engine_bg";
import { openDatabase } from "../lib/database";
import { NO_FILTER, openSchemaEngine } from "./schema-engine";

const root = fileURLToPath(new URL("../../", import.meta.url));
export const MIGRATIONS_DIR = join(root, "prisma", "migrations");
export const SCHEMA_PATH = join(root, "prisma", "schema.prisma");

export interface MigrateOptions {
  migrationsDir?: string;
  schemaPath?: string;
  /** Where the summary line goes; pass `() => {}` to keep quiet. */
  log?: (line: string) => void;
}

export interface MigrateResult {
  applied: string[];
}

/** Applies every migration the database has not recorded yet; a second run applies nothing. */
export async function migrate(
  connectionString: string,
  { migrationsDir = MIGRATIONS_DIR, schemaPath = SCHEMA_PATH, log = console.log }: MigrateOptions = {},
): Promise<MigrateResult> {
  const migrationsList = await readMigrationsList(migrationsDir);
  const datamodel = { path: schemaPath, content: await readFile(schemaPath, "utf8") };
  const handle = await openSchemaEngine(connectionString, datamodel);
  try {
    const { appliedMigrationNames: applied } = await handle.run((engine) =>
      engine.applyMigrations({ migrationsList, filters: NO_FILTER }),
    );
    log(
      applied.length === 0
        ? "Database is up to date"
        : `Applied ${applied.length} migration${applied.length === 1 ? "" : "s"}: ${applied.join(", ")}`,
    );
    return { applied };
  } finally {
    await handle.close();
  }
}

/**
 * The migrations folder as the engine expects it, built the way the Prisma CLI builds it. Each
 * directory's `path` must be its bare name: the engine records `path` as the migration's name.
 */
export async function readMigrationsList(migrationsDir: string = MIGRATIONS_DIR): Promise<MigrationList> {
  const lockfile = "migration_lock.toml";
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b));
  return {
    baseDir: migrationsDir,
    lockfile: {
      path: lockfile,
      content: await readFile(join(migrationsDir, lockfile), "utf8").catch(() => null),
    },
    shadowDbInitScript: "",
    migrationDirectories: await Promise.all(
      names.map(async (name) => ({
        path: name,
        migrationFile: {
          path: "migration.sql",
          content: await readFile(join(migrationsDir, name, "migration.sql"), "utf8").then(
            (value) => ({ tag: "ok" as const, value }),
            (error: Error) => ({ tag: "error" as const, value: error.message }),
          ),
        },
      })),
    ),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  // DATABASE_URL when set; otherwise the embedded database in data/ (as `npm start` uses it).
  const db = await openDatabase();
  try {
    await migrate(db.url);
  } catch (error) {
    console.error(`Migration failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  } finally {
    await db.stop();
  }
}
