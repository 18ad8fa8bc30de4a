// The production build: made by `next build` only when .next holds no build of the current sources.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT } from "./paths";

export const NEXT_BIN = join(ROOT, "node_modules", "next", "dist", "bin", "next");
const BUILD_STAMP = join(ROOT, ".next", "security-info-source-hash");
const SOURCES = ["src", "public", "next.config.ts", "package-lock.json", "tsconfig.json", "prisma/schema.prisma"];

/** Runs `next build` unless .next holds a build of exactly the current sources. */
export function buildIfStale(): void {
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

