import { ConfigError } from "../../src/server/config";

/** Runs a command's main function: a clear one-line error and exit code 1 on failure. */
export async function runMain(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof ConfigError || !(error instanceof Error) || !process.env.DEBUG) {
      console.error(error instanceof Error ? error.message : String(error));
    } else console.error(error);
    process.exitCode = 1;
  }
}

/** Parses `--name value` and `--flag` arguments. */
export function parseArgs(argv: string[]): Map<string, string | true> {
  const args = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) throw new Error(`Unexpected argument: ${arg}`);
    const [key, inline] = arg.slice(2).split("=", 2) as [string, string | undefined];
    const next = argv[i + 1];
    if (inline !== undefined) args.set(key, inline);
    else if (next !== undefined && !next.startsWith("--")) {
      args.set(key, next);
      i++;
    } else args.set(key, true);
  }
  return args;
}

/** A `--name value` argument, or `fallback` when it is absent. */
export function stringArg(args: Map<string, string | true>, name: string, fallback: string, usage: string): string {
  const value = args.get(name);
  if (value === true) throw new Error(`--${name} needs a value. ${usage}`);
  return value ?? fallback;
}

/** A `--name N` argument (a whole number above 0), or `fallback` when it is absent. */
export function intArg(args: Map<string, string | true>, name: string, fallback: number, usage: string): number {
  const value = args.get(name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value === true || !Number.isInteger(n) || n < 1) throw new Error(`--${name} takes a whole number above 0. ${usage}`);
  return n;
}
