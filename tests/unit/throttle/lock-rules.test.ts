// What a user is told while sign-in is locked.
import { describe, expect, it } from "vitest";
import { lockedMessage } from "@/server/throttle/lock-rules";

const MINUTE = 60_000;

describe("lockedMessage", () => {
  it("rounds the wait up to whole minutes and points to passkeys", () => {
    expect(lockedMessage(5 * MINUTE)).toBe("Too many attempts. Try again in 5 minutes, or sign in with a passkey.");
    expect(lockedMessage(4 * MINUTE + 1)).toBe("Too many attempts. Try again in 5 minutes, or sign in with a passkey.");
    expect(lockedMessage(30_000)).toBe("Too many attempts. Try again in 1 minute, or sign in with a passkey.");
    expect(lockedMessage(0)).toBe("Too many attempts. Try again in 1 minute, or sign in with a passkey.");
  });
});
