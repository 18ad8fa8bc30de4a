// The production build: made by `next build` only when .next holds no build of the current sources.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT } from "./paths";

export const NEXT_BIN = join(ROOT, "node_modules", "next", "dist", "bin", "next");
const BUILD_STAMP = join(ROOT, ".next", "security-info-source-hash");
const SOURCES = ["src", "public", "next.config.ts", "package-lock.json", "tsconfig.json", "prisma/schema.prisma"];
const BUILDING =
  "Building the app for production (first start or sources changed). This takes about a minute on " +
  "two cores and happens again only when the sources change; Next.js reports its steps below.";

/** Runs `next build` unless .next holds a build of exactly the current sources (blocking). */
export function buildIfStale(): void {
  const hash = staleSourceHash();
  if (!hash) return;
  console.log(BUILDING);
  const result = spawnSync(process.execPath, [NEXT_BIN, "build"], { cwd: ROOT, env: process.env, stdio: "inherit" });
  if (result.status !== 0) throw new Error("next build failed");
  writeFileSync(BUILD_STAMP, hash);
}

/**
 * buildIfStale() without blocking the event loop: `onChild` receives the build process while it
 * runs, so `npm start` can pass a Ctrl+C or SIGTERM on to it and wait for it.
 */
export async function buildIfStaleAsync(onChild: (child: ChildProcess | null) => void): Promise<void> {
  const hash = staleSourceHash();
  if (!hash) return;
  console.log(BUILDING);
  const child = spawn(process.execPath, [NEXT_BIN, "build"], { cwd: ROOT, env: process.env, stdio: "inherit" });
  onChild(child);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on("exit", (c, s) => resolve([c, s])),
  );
  onChild(null);
  if (code !== 0) throw new Error(signal ? `next build stopped (${signal})` : "next build failed");
  writeFileSync(BUILD_STAMP, hash);
}

/** The hash of the current sources when .next holds no build of them; null when it does. */
function staleSourceHash(): string | null {
  const hash = sourceHash();
  const built = existsSync(BUILD_STAMP) && readFileSync(BUILD_STAMP, "utf8") === hash && existsSync(join(ROOT, ".next", "BUILD_ID"));
  return built ? null : hash;
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
