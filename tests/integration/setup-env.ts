import { afterAll, beforeEach, inject } from "vitest";
import { resetConfigForTests } from "@/server/config";
import { disconnectDb } from "@/server/db";

export const TEST_ORIGIN = "http://localhost:3000";
export const TEST_RP_ID = "localhost";

const baseEnv = {
  DATABASE_URL: inject("databaseUrl"),
  DATABASE_POOL_MAX: "5",
  SESSION_SECRET: "integration-tests-secret-0123456789abcdef",
  RP_ID: TEST_RP_ID,
  ORIGINS: TEST_ORIGIN,
  WEBAUTHN_USER_VERIFICATION: "preferred",
  WEBAUTHN_ATTESTATION: "direct",
  // Every test signs in from testCtx's one address and many fail on purpose: that address must
  // never reach the per-IP lock. The throttle's own tests use addresses of their own and set these.
  SIGNIN_IP_MAX_FAILURES: "100000",
  SIGNIN_MAX_FAILURES: "5",
  SIGNIN_LOCK_MINUTES: "5",
  // Likewise for WebAuthn options requests; the rate-limit tests use addresses of their own.
  CEREMONY_RATE_PER_IP: "1000000",
  CEREMONY_RATE_PER_ACCOUNT: "20",
  CEREMONY_RATE_WINDOW_SECONDS: "60",
  // Identify requests too (the route is called without an address: one "unknown" key for all).
  IDENTIFY_RATE_PER_IP: "1000000",
};

Object.assign(process.env, baseEnv);

// Tests may change the configuration; every test starts from the same one.
beforeEach(() => {
  Object.assign(process.env, baseEnv);
  resetConfigForTests();
});

afterAll(async () => {
  await disconnectDb();
});
