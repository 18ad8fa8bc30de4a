// The command-line entry points, run as a user runs them: bad configuration stops start-up with
// one line naming the variable; `npm run tap` issues a pass that then signs in.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, inject, it } from "vitest";
import { signInWithTap } from "@/server/tap/sign-in-with-tap";
import { makeUser, testCtx } from "../fixtures/factories";

const run = promisify(execFile);
const TSX = "node_modules/.bin/tsx";

async function command(script: string, args: string[], env: Record<string, string>) {
  const base = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" as const };
  try {
    const { stdout, stderr } = await run(TSX, ["--conditions=react-server", script, ...args], {
      env: { ...base, ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const databaseUrl = inject("databaseUrl");
const goodSecret = "x".repeat(40);

describe("npm start configuration check", () => {
  it.each([
    [{ SESSION_SECRET: "too-short" }, "Invalid configuration: SESSION_SECRET must be at least 32 characters"],
    [{}, "Invalid configuration: SESSION_SECRET is required"],
    [{ SESSION_SECRET: goodSecret, RP_ID: "127.0.0.1" }, "Invalid configuration: RP_ID"],
    [{ SESSION_SECRET: goodSecret, ORIGINS: "https://elsewhere.example" }, "Invalid configuration: ORIGINS"],
    [{ SESSION_SECRET: goodSecret, TAP_LIFETIME_MINUTES: "5" }, "Invalid configuration: TAP_LIFETIME_MINUTES"],
  ])("refuses to start with %o and says which variable in one line", async (env, expected) => {
    const result = await command("scripts/start.ts", [], { DATABASE_URL: databaseUrl, ...env });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n").filter((l) => !l.includes("npm warn"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(expected);
    expect(result.stdout).not.toContain("Applied");
  });
});

describe("npm run tap", () => {
  it("issues a Temporary Access Pass that signs the user in", async () => {
    const user = await makeUser();
    const result = await command("scripts/tap.ts", ["--email", user.email, "--lifetime", "30", "--one-time"], {
      DATABASE_URL: databaseUrl,
      SESSION_SECRET: goodSecret,
    });
    expect(result.code).toBe(0);
    const code = /Temporary Access Pass for .+: ([A-Z0-9-]{19})/.exec(result.stdout)?.[1];
    expect(code).toBeDefined();
    expect(result.stdout).toContain("one use only");
    const signedIn = await signInWithTap({ email: user.email, code: code!, ctx: testCtx });
    expect(signedIn.user.id).toBe(user.id);
  });

  it("refuses a lifetime outside 10 minutes to 8 hours, and an unknown email", async () => {
    const user = await makeUser();
    const env = { DATABASE_URL: databaseUrl, SESSION_SECRET: goodSecret };
    const tooShort = await command("scripts/tap.ts", ["--email", user.email, "--lifetime", "5"], env);
    expect(tooShort.code).toBe(1);
    expect(tooShort.stderr).toContain("between 10 minutes and 8 hours");
    const unknown = await command("scripts/tap.ts", ["--email", "nobody@example.test"], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("There is no user with the email nobody@example.test");
  });
});
