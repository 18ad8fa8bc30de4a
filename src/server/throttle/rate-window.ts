import "server-only";

/**
 * Fixed windows aligned to the epoch: every app instance puts a request in the same window without
 * talking to the others, and a window's count needs no history (decision 011).
 */
export function windowStartMs(nowMs: number, windowMs: number): number {
  return Math.floor(nowMs / windowMs) * windowMs;
}

/** Whole seconds until the window that started at `windowStart` ends: at least 1, for Retry-After. */
export function secondsUntilWindowEnds(windowStart: number, windowMs: number, nowMs: number): number {
  return Math.max(1, Math.ceil((windowStart + windowMs - nowMs) / 1000));
}

/** "Too many requests. Wait 42 seconds, then try again." */
export function rateLimitedMessage(seconds: number): string {
  return `Too many requests. Wait ${seconds} ${seconds === 1 ? "second" : "seconds"}, then try again.`;
}
