// The ceremony rate limit's settings and window arithmetic (the counting itself is in
// tests/integration/ceremony-rate-limit.test.ts).
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "@/server/config";
import { rateLimitedMessage, secondsUntilWindowEnds, windowStartMs } from "@/server/throttle/rate-window";

const base = {
  DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/security_info",
  SESSION_SECRET: "s".repeat(32),
};

function configError(env: Record<string, string>): ConfigError {
  try {
    parseConfig({ ...base, ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe("ceremony rate settings", () => {
  it("default to 60 requests per IP address and 20 per account in one-minute windows", () => {
    expect(parseConfig(base).ceremonyRate).toEqual({ perIp: 60, perAccount: 20, windowMs: 60_000 });
  });

  it("take the configured values", () => {
    const config = parseConfig({ ...base, CEREMONY_RATE_PER_IP: "500", CEREMONY_RATE_PER_ACCOUNT: "5", CEREMONY_RATE_WINDOW_SECONDS: "30" });
    expect(config.ceremonyRate).toEqual({ perIp: 500, perAccount: 5, windowMs: 30_000 });
  });

  it.each([
    ["CEREMONY_RATE_PER_IP", "0"],
    ["CEREMONY_RATE_PER_IP", "1000001"],
    ["CEREMONY_RATE_PER_IP", "ten"],
    ["CEREMONY_RATE_PER_ACCOUNT", "0"],
    ["CEREMONY_RATE_PER_ACCOUNT", "10001"],
    ["CEREMONY_RATE_PER_ACCOUNT", "2.5"],
    ["CEREMONY_RATE_WINDOW_SECONDS", "0"],
    ["CEREMONY_RATE_WINDOW_SECONDS", "3601"],
  ])("refuses %s=%s, naming the variable", (variable, value) => {
    const error = configError({ [variable]: value });
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(variable);
  });
});

describe("fixed windows", () => {
  it("start at multiples of the window length since the epoch", () => {
    const t = Date.UTC(2026, 11, 1, 9, 30, 42, 500);
    expect(windowStartMs(t, 60_000)).toBe(Date.UTC(2026, 11, 1, 9, 30, 0));
    expect(windowStartMs(Date.UTC(2026, 11, 1, 9, 30), 60_000)).toBe(Date.UTC(2026, 11, 1, 9, 30));
    expect(windowStartMs(t, 30_000)).toBe(Date.UTC(2026, 11, 1, 9, 30, 30));
  });

  it("tell the seconds until the window ends, rounded up and never 0", () => {
    const start = Date.UTC(2026, 11, 1, 9, 30);
    expect(secondsUntilWindowEnds(start, 60_000, start)).toBe(60);
    expect(secondsUntilWindowEnds(start, 60_000, start + 42_500)).toBe(18);
    expect(secondsUntilWindowEnds(start, 60_000, start + 59_999)).toBe(1);
    expect(secondsUntilWindowEnds(start, 60_000, start + 60_000)).toBe(1);
  });

  it("say plainly how long to wait", () => {
    expect(rateLimitedMessage(18)).toBe("Too many requests. Wait 18 seconds, then try again.");
    expect(rateLimitedMessage(1)).toBe("Too many requests. Wait 1 second, then try again.");
  });
});
