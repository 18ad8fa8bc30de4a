// `npm run bench:admin-search -- [--base-url http://localhost:3000] [--query ada] [--runs 50] [--warmup 10]`
// Times what an administrator waits for on a large directory (load it first with
// `npm run db:seed:bulk -- --users 1000000`): the users page searched by a prefix, its next page,
// and one user's page, each as the page (server-rendered HTML) and as the JSON API. Run it against
// a production build (`npm start`) using the same DATABASE_URL and
// SESSION_SECRET as the server. It signs in as a benchmark administrator (made if missing) with a
// fresh Temporary Access Pass, the way a person would.
import { intArg as intArgOf, parseArgs, runMain, stringArg as stringArgOf } from "../lib/cli";
import { applyDatabaseEnv, openDatabase } from "../lib/database";

const USAGE =
  "Usage: npm run bench:admin-search -- [--base-url http://localhost:3000] [--query ada] [--runs 50] [--warmup 10]";
const BENCH_ADMIN_EMAIL = "bench-admin@example.com";

interface Step {
  name: string;
  path: string;
}

const stringArg = (args: Map<string, string | true>, name: string, fallback: string) => stringArgOf(args, name, fallback, USAGE);
const intArg = (args: Map<string, string | true>, name: string, fallback: number) => intArgOf(args, name, fallback, USAGE);

await runMain(async () => {
  const args = parseArgs(process.argv.slice(2));
  const baseUrl = stringArg(args, "base-url", process.env.BASE_URL ?? "http://localhost:3000").replace(/\/$/, "");
  const query = stringArg(args, "query", "ada");
  const runs = intArg(args, "runs", 50);
  const warmup = intArg(args, "warmup", 10);

  const cookie = await signInAsBenchAdmin(baseUrl);
  const get = async (path: string, accept = "text/html") => {
    const started = performance.now();
    const res = await fetch(baseUrl + path, { headers: { cookie, accept }, redirect: "manual" });
    const body = await res.text();
    const ms = performance.now() - started;
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${body.slice(0, 200)}`);
    return { body, ms };
  };

  // Discover the pages to time from the first search, as a person clicking through would.
  const q = encodeURIComponent(query);
  const first = await get(`/admin/users?q=${q}`);
  const nextHref = first.body.match(/href="(\/admin\/users\?[^"]*after=[^"]+)"/)?.[1]?.replaceAll("&amp;", "&");
  const userId = first.body.match(/href="\/admin\/users\/([0-9a-f-]{36})"/)?.[1];
  if (!nextHref || !userId) throw new Error(`The search for "${query}" found no second page; load more users or choose another --query.`);
  const api = JSON.parse((await get(`/api/admin/users?q=${q}`, "application/json")).body) as { nextCursor: string | null };
  if (!api.nextCursor) throw new Error(`The API search for "${query}" found no second page.`);

  const steps: Step[] = [
    { name: "search page", path: `/admin/users?q=${q}` },
    { name: "next page", path: nextHref },
    { name: "user page", path: `/admin/users/${userId}` },
    { name: "search API", path: `/api/admin/users?q=${q}` },
    { name: "next page API", path: `/api/admin/users?q=${q}&after=${encodeURIComponent(api.nextCursor)}` },
    { name: "unfiltered list page", path: "/admin/users" },
  ];

  console.log(`${baseUrl}, query "${query}", ${warmup} warm-up + ${runs} timed requests per step, one at a time`);
  console.log("| step | median ms | p95 ms | p99 ms | max ms |");
  console.log("| --- | ---: | ---: | ---: | ---: |");
  for (const step of steps) {
    const accept = step.path.startsWith("/api/") ? "application/json" : "text/html";
    for (let i = 0; i < warmup; i++) await get(step.path, accept);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push((await get(step.path, accept)).ms);
    times.sort((a, b) => a - b);
    const cells = [0.5, 0.95, 0.99, 1].map((p) => percentile(times, p).toFixed(1));
    console.log(`| ${step.name} | ${cells.join(" | ")} |`);
  }
});

/** Makes (or finds) the benchmark administrator, issues a pass and signs in with it over HTTP. */
async function signInAsBenchAdmin(baseUrl: string): Promise<string> {
  const db = await openDatabase();
  applyDatabaseEnv(db);
  const { disconnectDb, getDb } = await import("../../src/server/db");
  const { createUser, getUserByEmail } = await import("../../src/server/users");
  const { issueTemporaryAccessPass } = await import("../../src/server/tap/issue-temporary-access-pass");
  let code: string;
  try {
    const admin =
      (await getUserByEmail(BENCH_ADMIN_EMAIL)) ??
      (await createUser({ email: BENCH_ADMIN_EMAIL, displayName: "Benchmark Administrator", role: "admin" }));
    // Past the passkey prompt: the benchmark times the administrator's pages, not the campaign.
    await getDb().user.update({
      where: { id: admin.id },
      data: { role: "admin", campaignSnoozedUntil: new Date(Date.now() + 365 * 86_400_000) },
    });
    code = (await issueTemporaryAccessPass({ userId: admin.id, ctx: { ip: null, userAgent: "bench" } })).code;
  } finally {
    await disconnectDb();
    await db.stop();
  }
  const res = await fetch(`${baseUrl}/api/auth/tap`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify({ email: BENCH_ADMIN_EMAIL, code }),
  });
  if (!res.ok) throw new Error(`Signing in at ${baseUrl} failed: ${res.status} ${await res.text()}`);
  const cookies = res.headers.getSetCookie().map((c) => c.split(";", 1)[0]);
  if (cookies.length === 0) throw new Error("Signing in set no session cookie.");
  return cookies.join("; ");
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}
