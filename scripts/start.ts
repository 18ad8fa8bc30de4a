// `npm start` (production) and `npm run dev` (development server).
//
// 1. Picks the database: DATABASE_URL if set, else the embedded PostgreSQL in data/ (started in
//    this process and served on a loopback port).
// 2. Validates the whole configuration; a bad value stops here with one line naming it. A FIDO
//    metadata blob (MDS_BLOB_PATH) is verified here too, so a bad or refused stale blob stops
//    start-up before migrations and the build; the server process loads it again for itself.
// 3. Applies pending migrations, seeds an empty database (printing a Temporary Access Pass).
// 4. Builds the app if there is no build of the current sources (production only).
// 5. Runs `next start` (or `next dev`) and stops the embedded database when it exits.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { migrate } from "./db/migrate";
import { seedIfEmpty } from "./db/seed";
import { applyDatabaseEnv, openDatabase } from "./lib/database";
import { ROOT } from "./lib/paths";

const dev = process.argv.includes("--dev");
const NEXT_BIN = join(ROOT, "node_modules", "next", "dist", "bin", "next");
const BUILD_STAMP = join(ROOT, ".next", "security-info-source-hash");
const SOURCES = ["src", "public", "next.config.ts", "package-lock.json", "tsconfig.json", "prisma/schema.prisma"];

async function main(): Promise<number> {
  if (!dev) Object.assign(process.env, { NODE_ENV: "production" });
  const { getConfig, ConfigError } = await import("../src/server/config");
  const { providerIconsFromEnv } = await import("../src/server/webauthn/providers");
  const { loadMetadataFromConfig } = await import("../src/server/webauthn/metadata/load-metadata-from-config");
  const db = await openDatabase();
  applyDatabaseEnv(db);
  let stopping = false;
  const stopDb = async () => {
    if (stopping) return;
    stopping = true;
    await db.stop();
  };

  try {
    let config;
    try {
      config = getConfig();
      // Checked here too, so a bad icons file stops start-up before migrations and the build.
      providerIconsFromEnv();
      // Verified only; the server process loads it for itself and prints its summary and warnings.
      await loadMetadataFromConfig(config, () => {});
    } catch (error) {
      if (error instanceof ConfigError) {
        console.error(error.message);
        await stopDb();
        return 1;
      }
      throw error;
    }
    console.log(db.embedded ? "Database: embedded PostgreSQL in ./data" : "Database: DATABASE_URL");
    await migrate(config.databaseUrl);
    await seedIfEmpty(config.origins[0]!);
    const { disconnectDb } = await import("../src/server/db");
    await disconnectDb();
    if (!dev) buildIfStale();

    const child = spawn(process.execPath, [NEXT_BIN, dev ? "dev" : "start", "-p", String(config.port)], {
      cwd: ROOT,
      env: process.env,
      stdio: "inherit",
    });
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.on(signal, () => child.kill(signal));
    }
    console.log(`Security Info: ${config.origins[0]}/security-info`);
    const code = await new Promise<number>((resolve) => child.on("exit", (c, s) => resolve(c ?? (s ? 0 : 1))));
    await stopDb();
    return code;
  } catch (error) {
    await stopDb();
    throw error;
  }
}

/** Runs `next build` unless .next holds a build of exactly the current sources. */
function buildIfStale(): void {
  const hash = sourceHash();
  if (existsSync(BUILD_STAMP) && readFileSync(BUILD_STAMP, "utf8") === hash && existsSync(join(ROOT, ".next", "BUILD_ID"))) {
    return;
  }
  console.log("Building the app (first start or sources changed)...");
  const result = spawnSync(process.execPath, [NEXT_BIN, "build"], { cwd: ROOT, env: process.env, stdio: "inherit" });
  if (result.status !== 0) throw new Error("next build failed");
  writeFileSync(BUILD_STAMP, hash);
}

function sourceHash(): string {
  const hash = createHash("sha256");
  const walk = (path: string) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      if (path.endsWith(join("src", "generated"))) return;
      for (const name of readdirSync(path).sort()) walk(join(path, name));
    } else {
      hash.update(relative(ROOT, path)).update("\0").update(readFileSync(path)).update("\0");
    }
  };
  for (const source of SOURCES) walk(join(ROOT, source));
  return hash.digest("hex");
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
