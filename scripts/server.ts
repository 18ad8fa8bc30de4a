// The app's server process: `tsx --conditions=react-server scripts/server.ts [--dev]`. `npm start`
// and `npm run dev` (scripts/start.ts), the browser tests and the benchmark all run the app through
// it, so they exercise what production runs. It expects a migrated database (start.ts sees to
// that) and, without --dev, a production build in .next.
import { serve } from "./lib/serve";

const dev = process.argv.includes("--dev");
Object.assign(process.env, { NODE_ENV: dev ? "development" : "production" });
const { getConfig, ConfigError } = await import("../src/server/config");

let config;
try {
  config = getConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const serving = await serve({ dev, port: config.port, trustedProxies: config.trustedProxies, origins: config.origins });
console.log(`Listening on port ${config.port} (${dev ? "development" : "production"})`);

// Finish the requests in flight, then exit as a signalled process would (128 + the signal's number).
// Ctrl+C reaches this process twice (from the terminal and from start.ts): the second is ignored.
const exitCodes = { SIGINT: 130, SIGTERM: 143 } as const;
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    serving.close().then(
      () => process.exit(exitCodes[signal]),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
