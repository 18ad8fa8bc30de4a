// `npm start` (production) and `npm run dev` (development server).
//
// 1. Picks the database: DATABASE_URL if set, else the embedded PostgreSQL in data/ (started in
//    this process and served on a loopback port).
// 2. Validates the whole configuration; a bad value stops here with one line naming it. A FIDO
//    metadata blob (MDS_BLOB_PATH) is verified here too, so a bad or refused stale blob stops
//    start-up before migrations and the build; the server process loads it again for itself.
// 3. Applies pending migrations, seeds an empty database (printing a Temporary Access Pass).
// 4. Builds the app if there is no build of the current sources (production only).
// 5. Serves the app through scripts/server.ts (Next.js behind our own HTTP server, which takes the
//    client address from the connection), and stops the embedded database when it exits.
import { migrate } from "./db/migrate";
import { seedIfEmpty } from "./db/seed";
import { buildIfStale } from "./lib/build";
import { applyDatabaseEnv, openDatabase } from "./lib/database";
import { spawnServer } from "./lib/server-process";

const dev = process.argv.includes("--dev");

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

    const child = spawnServer({ dev });
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

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
