// Password hashing (scrypt with its parameters recorded in every hash).
import { describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/server/config";
import { AppError } from "@/server/errors";
import { withPasswordHashSlot } from "@/server/password/hash-slots";
import { hashPassword, PASSWORD_HASH_PARAMS, passwordNeedsRehash, verifyPassword } from "@/server/password/password-hash";
import { useConfigEnv } from "../fixtures/config-env";

// Hashing reads its concurrency limits from the configuration, which needs these to parse.
const ENV: Record<string, string> = {
  DATABASE_URL: "postgresql://localhost/unused",
  SESSION_SECRET: "unit-tests-session-secret-0123456789abcdef",
  PASSWORD_HASH_CONCURRENCY: "2",
  PASSWORD_HASH_QUEUE: "8",
};
useConfigEnv(ENV);

// scrypt at N=2^17 is slow on purpose (about 0.4 s per hash on one core): a test that hashes six
// times must not be timed out by the default 5 s when the machine is busy.
describe("password hashing", { timeout: 30_000 }, () => {
  it("writes scrypt$<log2 N>$<r>$<p>$<16-byte salt>$<32-byte key>, never the password", async () => {
    const hash = await hashPassword("plum tree under the bridge");
    const parts = hash.split("$");
    expect(parts.slice(0, 4)).toEqual(["scrypt", "17", "8", "1"]);
    expect(Buffer.from(parts[4]!, "base64url")).toHaveLength(16);
    expect(Buffer.from(parts[5]!, "base64url")).toHaveLength(32);
    expect(hash).not.toContain("plum");
  });

  it("salts every hash: the same password hashes differently twice, and both verify", async () => {
    const [a, b] = [await hashPassword("same password"), await hashPassword("same password")];
    expect(a).not.toBe(b);
    expect(await verifyPassword(a, "same password")).toBe(true);
    expect(await verifyPassword(b, "same password")).toBe(true);
  });

  it("refuses a wrong password, one differing only in case, and an empty one", async () => {
    const hash = await hashPassword("Plum tree");
    expect(await verifyPassword(hash, "Plum tree")).toBe(true);
    expect(await verifyPassword(hash, "plum tree")).toBe(false);
    expect(await verifyPassword(hash, "Plum tree ")).toBe(false);
    expect(await verifyPassword(hash, "")).toBe(false);
  });

  it("normalises with NFKC: a composed and a decomposed é, full-width and ASCII letters, a ligature and its letters match", async () => {
    const composed = await hashPassword("caf\u00e9 au lait");
    expect(await verifyPassword(composed, "cafe\u0301 au lait")).toBe(true);
    const fullWidth = await hashPassword("\uff50\uff4c\uff55\uff4d");
    expect(await verifyPassword(fullWidth, "plum")).toBe(true);
    const ligature = await hashPassword("\ufb03x");
    expect(await verifyPassword(ligature, "ffix")).toBe(true);
  });

  it("answers false, after the same work, for no hash or a malformed one", async () => {
    for (const stored of [null, undefined, "", "bcrypt$2b$10$abc", "scrypt$17$8$1$c2FsdA$aGFzaA", "scrypt$99$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"]) {
      expect(await verifyPassword(stored, "anything")).toBe(false);
    }
  });

  it("detects hashes made with other parameters (or unreadable) as needing a rehash", async () => {
    const current = await hashPassword("plum tree");
    expect(passwordNeedsRehash(current)).toBe(false);
    const [, , r, p, salt, key] = current.split("$");
    const weaker = ["scrypt", PASSWORD_HASH_PARAMS.log2N - 3, r, p, salt, key].join("$");
    expect(passwordNeedsRehash(weaker)).toBe(true);
    expect(passwordNeedsRehash(["scrypt", PASSWORD_HASH_PARAMS.log2N, 4, p, salt, key].join("$"))).toBe(true);
    expect(passwordNeedsRehash(["scrypt", PASSWORD_HASH_PARAMS.log2N, r, 2, salt, key].join("$"))).toBe(true);
    expect(passwordNeedsRehash("not a hash")).toBe(true);
  });

  it("still verifies a hash made with older parameters (they are read from the hash)", async () => {
    // A hash made with N = 2^14 by the same format: verify reads N from the hash, not from today's settings.
    const { scryptSync } = await import("node:crypto");
    const salt = Buffer.alloc(16, 3);
    const key = scryptSync(Buffer.from("old password", "utf8"), salt, 32, { N: 2 ** 14, r: 8, p: 1 });
    const old = ["scrypt", 14, 8, 1, salt.toString("base64url"), key.toString("base64url")].join("$");
    expect(await verifyPassword(old, "old password")).toBe(true);
    expect(await verifyPassword(old, "new password")).toBe(false);
    expect(passwordNeedsRehash(old)).toBe(true);
  });
});

describe("password hash slots", () => {
  it("runs at most PASSWORD_HASH_CONCURRENCY at once, queues PASSWORD_HASH_QUEUE, refuses the rest with SERVICE_UNAVAILABLE", async () => {
    process.env.PASSWORD_HASH_CONCURRENCY = "2";
    process.env.PASSWORD_HASH_QUEUE = "3";
    resetConfigForTests();
    let running = 0;
    let most = 0;
    const release: Array<() => void> = [];
    const work = () =>
      new Promise<void>((resolve) => {
        running++;
        most = Math.max(most, running);
        release.push(() => {
          running--;
          resolve();
        });
      });
    const settled = Promise.allSettled(Array.from({ length: 8 }, () => withPasswordHashSlot(work)));
    // Let the queued ones through as the running ones finish.
    while (release.length > 0 || running > 0) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      release.shift()?.();
    }
    const results = await settled;
    expect(most).toBe(2);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(5);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(refused).toHaveLength(3);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(AppError);
      expect(r.reason).toMatchObject({ code: "SERVICE_UNAVAILABLE", retryAfterSeconds: 1 });
    }
    // Every slot came back: as many again run.
    const again = await Promise.allSettled(Array.from({ length: 2 }, () => withPasswordHashSlot(async () => "done")));
    expect(again.every((r) => r.status === "fulfilled")).toBe(true);
  });

  it("frees a slot when the work fails", async () => {
    process.env.PASSWORD_HASH_CONCURRENCY = "1";
    process.env.PASSWORD_HASH_QUEUE = "0";
    resetConfigForTests();
    await expect(withPasswordHashSlot(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(withPasswordHashSlot(async () => 42)).resolves.toBe(42);
  });
});
