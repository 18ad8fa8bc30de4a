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
// A SIGINT or SIGTERM is passed on to the build or the server, and waited for.
import type { ChildProcess } from "node:child_process";
import { migrate } from "./db/migrate";
import { seedIfEmpty } from "./db/seed";
import { buildIfStaleAsync } from "./lib/build";
import { applyDatabaseEnv, openDatabase } from "./lib/database";
import { forgetRunningServer, recordRunningServer } from "./lib/running-server";
import { spawnServer } from "./lib/server-process";

const dev = process.argv.includes("--dev");

// Ctrl+C or SIGTERM (a service manager, `kill` on the npm process) is passed on to the process
// running now, the build or the server, and this process exits only once it has: nothing it
// started is left behind, answering requests. Between them (migrations, seeding) it stops at once.
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
let running: ChildProcess | null = null;
let signalled: keyof typeof EXIT_CODES | null = null;
let stopDb: () => Promise<void> = async () => {};
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    signalled ??= signal;
    if (running) running.kill(signal);
    else void stopDb().finally(() => process.exit(EXIT_CODES[signal]));
  });
}

async function main(): Promise<number> {
  if (!dev) Object.assign(process.env, { NODE_ENV: "production" });
  const { getConfig, ConfigError } = await import("../src/server/config");
  const { providerIconsFromEnv } = await import("../src/server/webauthn/providers");
  const { loadMetadataFromConfig } = await import("../src/server/webauthn/metadata/load-metadata-from-config");
  const db = await openDatabase();
  applyDatabaseEnv(db);
  let stopping: Promise<void> | undefined;
  stopDb = () => (stopping ??= db.stop());

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
    if (!dev) await buildIfStaleAsync((child) => (running = child));
    if (signalled) {
      await stopDb();
      return EXIT_CODES[signalled];
    }

    const child = spawnServer({ dev });
    running = child;
    recordRunningServer(config.origins[0]!, db.url);
    console.log(`Security Info: ${config.origins[0]}/security-info`);
    const code = await new Promise<number>((resolve) => child.on("exit", (c, s) => resolve(c ?? (s ? 0 : 1))));
    running = null;
    forgetRunningServer();
    await stopDb();
    return code;
  } catch (error) {
    await stopDb();
    if (signalled) return EXIT_CODES[signalled];
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
