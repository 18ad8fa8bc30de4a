// Generates the Prisma client into src/generated/prisma.
//
// `prisma generate` never runs the schema engine, but the CLI insists on finding its native binary
// first and would download it from Prisma's binary host. Where that host is out of reach, pointing
// PRISMA_SCHEMA_ENGINE_BINARY at any existing file lets generation proceed fully offline.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..", "..");
const env: NodeJS.ProcessEnv = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) {
  const stubDir = join(root, "node_modules", ".cache", "security-info");
  const stub = join(stubDir, "schema-engine-unused");
  if (!existsSync(stub)) {
    mkdirSync(stubDir, { recursive: true });
    writeFileSync(stub, "#!/bin/sh\necho 'the native schema engine is not used' >&2\nexit 1\n", { mode: 0o755 });
  }
  env.PRISMA_SCHEMA_ENGINE_BINARY = stub;
}
const result = spawnSync(join(root, "node_modules", ".bin", "prisma"), ["generate"], {
  cwd: root,
  env,
  stdio: "inherit",
});
process.exit(result.status ?? 1);
