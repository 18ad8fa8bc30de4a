// The server the browser tests run against: a fresh, migrated database on the test PostgreSQL
// server and a freshly signed test FIDO metadata blob, then the production build through
// `npm start`'s own path (build if stale, then scripts/server.ts, the server production runs).
import { spawn } from "node:child_process";
import { join } from "node:path";
import { E2E } from "../../tests/fixtures/e2e-env";
import { e2eMetadataDir, writeE2eMetadata } from "../../tests/fixtures/mds";
import { ROOT } from "../lib/paths";
import { createTestDatabase } from "./databases";

const db = await createTestDatabase("si_e2e", { name: E2E.databaseName, serverUrl: E2E.serverUrl });
const metadata = await writeE2eMetadata(e2eMetadataDir(E2E.port));
const child = spawn(join(ROOT, "node_modules", ".bin", "tsx"), ["--conditions=react-server", "scripts/start.ts"], {
  cwd: ROOT,
  env: { ...process.env, DATABASE_URL: db.url, MDS_BLOB_PATH: metadata.blobPath, MDS_ROOT_CERT_PATH: metadata.rootCertPath },
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
