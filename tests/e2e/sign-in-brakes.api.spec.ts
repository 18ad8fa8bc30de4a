// The brakes on password sign-in, over HTTP against the production build: a burst of parallel
// guesses at one account is verified at most SIGNIN_MAX_FAILURES (5) times, and a burst of
// password attempts (unknown emails hash too) cannot starve the rest of the server.
import type { APIRequestContext } from "@playwright/test";
import { givePassword } from "../fixtures/credentials";
import { E2E } from "../fixtures/e2e-env";
import { expect, test } from "../fixtures/playwright";
import { uniqueEmail } from "../fixtures/unique-email";

function passwordSignIn(request: APIRequestContext, email: string, password: string) {
  return request.post("/api/auth/password", { data: { email, password }, headers: { origin: E2E.baseURL } });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

test("25 parallel wrong passwords for one account: at most 5 are checked, the rest get 429 SIGN_IN_LOCKED with Retry-After", async ({ request, user }) => {
  const password = await givePassword(user.id);
  const answers = await Promise.all(Array.from({ length: 25 }, () => passwordSignIn(request, user.email, "not the password")));
  const statuses = answers.map((res) => res.status());
  expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
  expect(statuses.filter((s) => s === 401 || s === 429)).toHaveLength(25);
  for (const res of answers.filter((r) => r.status() === 429)) {
    expect((await res.json()).error.code).toBe("SIGN_IN_LOCKED");
    expect(Number(res.headers()["retry-after"])).toBeGreaterThan(0);
  }
  // The account is locked now: even the right password waits.
  const right = await passwordSignIn(request, user.email, password);
  expect(right.status()).toBe(429);
  expect(right.headers()["set-cookie"]).toBeUndefined();
});

// The latency target (a static file's p99 under 500 ms during the burst) is a performance figure:
// `npm run bench:password-burst` measures it on a quiet production server. Here, on a machine the
// other suites share, the test holds the mechanism that makes it true.
test("50 parallel password attempts are bounded: past the hash queue they get 503 with Retry-After, and static files keep answering", async ({ request }) => {
  test.setTimeout(120_000);
  const signin = await (await request.get("/signin")).text();
  const asset = /\/_next\/static\/[^"'\s]+\.js/.exec(signin)?.[0];
  expect(asset, "a script of the sign-in page").toBeTruthy();
  const fetchAsset = async () => {
    const start = performance.now();
    const res = await request.get(asset!);
    await res.body();
    expect(res.status()).toBe(200);
    return performance.now() - start;
  };
  for (let i = 0; i < 5; i++) await fetchAsset(); // warm up

  let done = false;
  const attempts = Promise.all(Array.from({ length: 50 }, () => passwordSignIn(request, uniqueEmail("burst"), "a guess"))).finally(() => {
    done = true;
  });
  const latencies: number[] = [];
  while (!done) latencies.push(await fetchAsset());
  const answers = await attempts;

  const statuses = answers.map((res) => res.status());
  const busy = answers.filter((res) => res.status() === 503);
  console.log(
    `static ${asset} during 50 parallel password attempts: ${latencies.length} fetches, p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
      `p99 ${percentile(latencies, 99).toFixed(1)} ms; answers: ${statuses.filter((s) => s === 401).length}× 401, ${busy.length}× 503`,
  );
  expect(statuses.every((s) => s === 401 || s === 503)).toBe(true);
  // 2 hashes run and 8 wait (the defaults); a burst of 50 must overflow that, or nothing bounds it.
  expect(busy.length).toBeGreaterThan(0);
  for (const res of busy) {
    expect(res.headers()["retry-after"]).toBe("1");
    expect((await res.json()).error.code).toBe("SERVICE_UNAVAILABLE");
  }
  // Static files were served while the burst ran, not only after it.
  expect(latencies.length).toBeGreaterThan(1);
});
