import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./paths";

export interface ServerProcessOptions {
  /** The development server instead of the production build. */
  dev?: boolean;
  /** Extra options for node itself, e.g. ["--cpu-prof"]. */
  nodeOptions?: string[];
  env?: NodeJS.ProcessEnv;
  stdio?: StdioOptions;
}

/**
 * Starts scripts/server.ts (the app behind our own HTTP server) as a process of its own: one node
 * process, not tsx's wrapper, so signals, CPU profiles and CPU time are the app's.
 */
export function spawnServer({ dev = false, nodeOptions = [], env = process.env, stdio = "inherit" }: ServerProcessOptions = {}): ChildProcess {
  const args = [...nodeOptions, "--conditions=react-server", "--import", "tsx", join(ROOT, "scripts", "server.ts")];
  if (dev) args.push("--dev");
  return spawn(process.execPath, args, { cwd: ROOT, env, stdio });
}
