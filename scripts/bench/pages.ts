// `npm run bench:pages -- [--runs 5] [--port 3310] [--database si_pages] [--passkeys 10]`
//
// The first-load weight and load time of /signin and /security-info on a throttled phone (see
// page-weight.ts): builds the app if the sources changed, serves it as `npm start` does on its own
// database (on the server of TEST_DATABASE_URL or DATABASE_URL or the local one), prints the
// medians and checks them against the targets of issue #16.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { migrate } from "../db/migrate";
import { buildIfStale } from "../lib/build";
import { intArg, parseArgs, runMain, stringArg } from "../lib/cli";
import { spawnServer } from "../lib/server-process";
import { checkPageTargets, CPU_SLOWDOWN, DEVICE, formatPageWeight, measurePageWeight, preparePagePerson, SLOW_4G } from "./page-weight";

const USAGE = "Usage: npm run bench:pages -- [--runs 5] [--port 3310] [--database si_pages] [--passkeys 10]";

await runMain(async () => {
  const args = parseArgs(process.argv.slice(2));
  for (const key of args.keys()) {
    if (!["runs", "port", "database", "passkeys"].includes(key)) throw new Error(`Unknown option --${key}. ${USAGE}`);
  }
  const runs = intArg(args, "runs", 5, USAGE);
  const port = intArg(args, "port", 3310, USAGE);
  const passkeys = intArg(args, "passkeys", 10, USAGE);
  const database = stringArg(args, "database", "si_pages", USAGE);
  if (!/^[a-z0-9_]+$/.test(database)) throw new Error(`--database must be lower-case letters, digits and _. ${USAGE}`);

  const serverUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();
  const monitor = new pg.Client({ connectionString: serverUrl });
  await monitor.connect();
  try {
    const exists = await monitor.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (exists.rowCount === 0) await monitor.query(`CREATE DATABASE "${database}"`);
  } finally {
    await monitor.end();
  }
  await migrate(databaseUrl, { log: () => {} });
  Object.assign(process.env, {
    DATABASE_URL: databaseUrl,
    SESSION_SECRET: `pages-${randomBytes(32).toString("base64url")}`,
    RP_ID: "localhost",
    ORIGINS: `http://localhost:${port}`,
    PORT: String(port),
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
  });
  const person = await preparePagePerson("bench-pages@bench.example", passkeys);

  if (await fetch(`http://localhost:${port}/`).then(() => true, () => false)) {
    throw new Error(`Something already answers on port ${port}; stop it or pass --port.`);
  }
  buildIfStale();
  const server = spawnServer({ env: process.env, stdio: ["ignore", "ignore", "inherit"] });
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`The server stopped (exit code ${server.exitCode}).`);
      if (await fetch(`http://localhost:${port}/signin`).then((r) => r.ok, () => false)) break;
      if (Date.now() > deadline) throw new Error("The server did not answer within 2 minutes.");
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    console.log(
      `${DEVICE}, ${SLOW_4G.latencyMs} ms latency, ${((SLOW_4G.downloadBytesPerSecond * 8) / 1000).toFixed(1)} kbit/s down, ` +
        `${((SLOW_4G.uploadBytesPerSecond * 8) / 1000).toFixed(0)} kbit/s up, CPU ${CPU_SLOWDOWN}x slower, cache disabled, ${passkeys} passkeys`,
    );
    const pages = await measurePageWeight({ baseUrl: `http://localhost:${port}`, person, runs });
    console.log(formatPageWeight(pages));
    for (const check of checkPageTargets(pages)) console.log(`${check.met ? "met    " : "NOT MET"}  ${check.target}: ${check.measured}`);
  } finally {
    if (server.exitCode === null) {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    }
  }
});
