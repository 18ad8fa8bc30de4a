// The peer's Better Auth instance, as its documentation sets one up: email and password, the passkey
// plugin, PostgreSQL through a pg Pool (Better Auth's built-in Kysely adapter). server.mjs serves
// it, migrate.mjs creates its tables. Everything comes from the environment that
// scripts/bench/run.ts sets: PORT, DATABASE_URL, BETTER_AUTH_SECRET.
import { passkey } from "@better-auth/passkey";
import { betterAuth } from "better-auth";
import pg from "pg";

export const port = Number(process.env.PORT ?? 3301);
export const origin = `http://localhost:${port}`;

export function createPool() {
  if (!process.env.DATABASE_URL) throw new Error("DATABASE_URL is not set");
  // pg's default size, the same as the app's default DATABASE_POOL_MAX.
  return new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
}

/** @param {pg.Pool} pool @param {{ quiet?: boolean }} [options] */
export function createAuth(pool, { quiet = false } = {}) {
  return betterAuth({
    appName: "Better Auth peer",
    baseURL: origin,
    basePath: "/api/auth",
    secret: process.env.BETTER_AUTH_SECRET,
    database: pool,
    trustedOrigins: [origin],
    emailAndPassword: { enabled: true },
    plugins: [passkey({ rpID: "localhost", rpName: "Better Auth peer", origin })],
    // In production Better Auth limits each address to 100 requests in 10 s (3 on sign-up); every
    // request of the benchmark comes from 127.0.0.1, so the limiter is off, as the app's limits are
    // raised for the run.
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    // The migration runs on an empty database, where the start-up schema check would complain.
    ...(quiet ? { logger: { disabled: true } } : {}),
  });
}
