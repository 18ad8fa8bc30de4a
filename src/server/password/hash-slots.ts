import "server-only";
import { getConfig } from "../config";
import { AppError } from "../errors";

let running = 0;
const waiting: Array<() => void> = [];

/**
 * Runs one password hash or verification, at most PASSWORD_HASH_CONCURRENCY at a time in this
 * process, with up to PASSWORD_HASH_QUEUE more waiting their turn. Each scrypt takes 128 MiB and
 * one of libuv's four threads, which file reads share: unbounded, a burst of sign-ins (known or
 * unknown emails alike) starves every other request. Past the queue the answer is "busy, retry".
 * @throws SERVICE_UNAVAILABLE (Retry-After: 1) when the queue is full
 */
export async function withPasswordHashSlot<T>(work: () => Promise<T>): Promise<T> {
  const { concurrency, queue } = getConfig().passwordHash;
  if (running < concurrency) {
    running++;
  } else {
    if (waiting.length >= queue) {
      throw new AppError("SERVICE_UNAVAILABLE", "We're checking a lot of sign-ins right now. Please try again in a moment.", {
        retryAfterSeconds: 1,
        cause: `${running} password hashes running, ${waiting.length} waiting`,
      });
    }
    // The slot is handed over by the hash that finishes (running stays the same).
    await new Promise<void>((resolve) => waiting.push(resolve));
  }
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}
