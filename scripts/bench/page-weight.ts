// `npm run bench:pages -- [--runs 5] [--port 3310] [--database si_pages] [--passkeys 10]`
//
// What a phone downloads and waits for on first load of /signin (signed out) and /security-info
// (signed in, with passkeys): the production build served as `npm start` serves it, opened in
// Chromium with Playwright's Pixel 7 profile, the network throttled to "Slow 4G" and the CPU slowed
// down 4x, the browser cache disabled. For each page, over several runs (median):
//   - JavaScript: bytes on the wire (as Chromium received them, headers included) and the gzip
//     size of each script's body (zlib, default level 6), summed over the page's script resources;
//   - everything transferred, and the load event's time from the navigation's start.
// `npm run bench` measures the same, with its own server (see measurePageWeight below).
import { gzipSync } from "node:zlib";
import { chromium, devices, type Browser, type BrowserContext, type CDPSession } from "@playwright/test";

/**
 * Lighthouse's mobile "Slow 4G" (the throttling its mobile reports name): 150 ms round trip,
 * 1.6 Mbit/s (1638.4 kbit/s) down, 750 kbit/s up. Chrome DevTools' own "Slow 4G" preset is these
 * numbers adjusted for request-level throttling (latency x3.75 = 562.5 ms, throughput x0.9): with it,
 * the document's round trip and then the scripts' would alone take 1.1 s.
 */
export const SLOW_4G = {
  latencyMs: 150,
  downloadBytesPerSecond: (1638.4 * 1000) / 8,
  uploadBytesPerSecond: (750 * 1000) / 8,
} as const;
export const CPU_SLOWDOWN = 4;
export const DEVICE = "Pixel 7";

export interface PageWeight {
  path: string;
  runs: number;
  /** Medians over the runs. */
  scriptCount: number;
  /** Script bytes as transferred (content-encoded if the server compressed them). */
  jsTransferBytes: number;
  /** Sum of each script body's gzip size. */
  jsGzipBytes: number;
  /** Script bytes once decoded (what the browser parses). */
  jsDecodedBytes: number;
  totalTransferBytes: number;
  loadEventMs: number;
  /** Whether any script arrived with a Content-Encoding. */
  compressed: boolean;
}

export interface PageWeightOptions {
  baseUrl: string;
  /** A user who can sign in with this Temporary Access Pass and has passkeys to list. */
  person: { email: string; code: string };
  runs?: number;
  chromiumPath?: string;
}

interface RunFigures {
  scripts: number;
  jsTransfer: number;
  jsGzip: number;
  jsDecoded: number;
  total: number;
  loadEventMs: number;
  compressed: boolean;
}

/** Opens /signin and /security-info `runs` times each and returns their medians. */
export async function measurePageWeight({ baseUrl, person, runs = 5, chromiumPath = "/usr/bin/chromium" }: PageWeightOptions): Promise<PageWeight[]> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
  try {
    // One sign-in; every run of the signed-in page starts from its cookies.
    const signIn = await browser.newContext({ ...devices[DEVICE], baseURL: baseUrl });
    const res = await signIn.request.post("/api/auth/tap", { data: person, headers: { origin: baseUrl } });
    if (!res.ok()) throw new Error(`TAP sign-in of ${person.email} failed: ${res.status()} ${await res.text()}`);
    const signedIn = await signIn.storageState();
    await signIn.close();

    const results: PageWeight[] = [];
    for (const [path, state] of [
      ["/signin", undefined],
      ["/security-info", signedIn],
    ] as const) {
      // One untimed visit first, so the server's first-request work is not in the figures.
      await visit(browser, baseUrl, path, state);
      const figures: RunFigures[] = [];
      for (let i = 0; i < runs; i++) figures.push(await visit(browser, baseUrl, path, state));
      results.push({
        path,
        runs,
        scriptCount: median(figures.map((f) => f.scripts)),
        jsTransferBytes: median(figures.map((f) => f.jsTransfer)),
        jsGzipBytes: median(figures.map((f) => f.jsGzip)),
        jsDecodedBytes: median(figures.map((f) => f.jsDecoded)),
        totalTransferBytes: median(figures.map((f) => f.total)),
        loadEventMs: median(figures.map((f) => f.loadEventMs)),
        compressed: figures.some((f) => f.compressed),
      });
    }
    return results;
  } finally {
    await browser.close();
  }
}

async function visit(
  browser: Browser,
  baseUrl: string,
  path: string,
  storageState: Awaited<ReturnType<BrowserContext["storageState"]>> | undefined,
): Promise<RunFigures> {
  const context = await browser.newContext({ ...devices[DEVICE], baseURL: baseUrl, storageState });
  try {
    const page = await context.newPage();
    const cdp: CDPSession = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: SLOW_4G.latencyMs,
      downloadThroughput: SLOW_4G.downloadBytesPerSecond,
      uploadThroughput: SLOW_4G.uploadBytesPerSecond,
    });
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });

    const types = new Map<string, string>();
    const encodings = new Map<string, string | undefined>();
    const urls = new Map<string, string>();
    const transfer = new Map<string, number>();
    cdp.on("Network.responseReceived", (e) => {
      types.set(e.requestId, e.type);
      urls.set(e.requestId, e.response.url);
      const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
      encodings.set(e.requestId, headers["content-encoding"]);
    });
    cdp.on("Network.loadingFinished", (e) => transfer.set(e.requestId, e.encodedDataLength));
    const bodies = new Map<string, Promise<Buffer | null>>();
    page.on("response", (response) => {
      if (response.request().resourceType() === "script") bodies.set(response.url(), response.body().catch(() => null));
    });

    await page.goto(path, { waitUntil: "load" });
    if (new URL(page.url()).pathname !== path) throw new Error(`${path} redirected to ${page.url()}`);
    const loadEventMs = await page.evaluate(() => {
      const [nav] = performance.getEntriesByType("navigation") as PerformanceNavigationTiming[];
      return nav!.loadEventStart;
    });
    // Resources still finishing after load (none expected) count towards the totals.
    await page.waitForLoadState("networkidle");

    let scripts = 0;
    let jsTransfer = 0;
    let jsGzip = 0;
    let jsDecoded = 0;
    let total = 0;
    let compressed = false;
    for (const [id, bytes] of transfer) {
      total += bytes;
      if (types.get(id) !== "Script") continue;
      scripts++;
      jsTransfer += bytes;
      if (encodings.get(id)) compressed = true;
      const body = await bodies.get(urls.get(id)!);
      if (!body) throw new Error(`no body for ${urls.get(id)}`);
      jsDecoded += body.length;
      jsGzip += gzipSync(body).length;
    }
    return { scripts, jsTransfer, jsGzip, jsDecoded, total, loadEventMs, compressed };
  } finally {
    await context.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * A user for the signed-in page, made directly in the database of DATABASE_URL: `passkeys`
 * passkeys (stored rows, as registration leaves them), past the passkey prompt, with a pass.
 */
export async function preparePagePerson(email: string, passkeys = 10): Promise<{ email: string; code: string }> {
  const { disconnectDb, getDb } = await import("../../src/server/db");
  const { createUser, getUserByEmail } = await import("../../src/server/users");
  const { issueTemporaryAccessPass } = await import("../../src/server/tap/issue-temporary-access-pass");
  try {
    const db = getDb();
    const user = (await getUserByEmail(email)) ?? (await createUser({ email, displayName: email.split("@")[0]! }));
    await db.passkey.deleteMany({ where: { userId: user.id } });
    await db.userSession.deleteMany({ where: { userId: user.id } });
    await db.passkey.createMany({
      data: Array.from({ length: passkeys }, (_, i) => ({
        userId: user.id,
        credentialId: `${user.id}-page-${i + 1}`,
        publicKey: Buffer.alloc(77, i),
        transports: ["internal", "hybrid"],
        aaguid: i % 2 ? "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4" : "00000000-0000-0000-0000-000000000000",
        name: `Page key ${i + 1}`,
        deviceType: i % 2 ? "multiDevice" : "singleDevice",
        backedUp: i % 2 === 1,
        attestationFormat: "none",
        createdBrowser: "Chrome",
        createdOs: "Android",
        createdDevice: "Pixel 7",
        createdAt: new Date(Date.now() - (passkeys - i) * 86_400_000),
        lastUsedAt: i % 3 ? new Date(Date.now() - i * 3_600_000) : null,
      })),
    });
    await db.user.update({ where: { id: user.id }, data: { campaignSnoozedUntil: new Date(Date.now() + 365 * 86_400_000) } });
    const { code } = await issueTemporaryAccessPass({ userId: user.id, ctx: { ip: null, userAgent: "bench" } });
    return { email, code };
  } finally {
    await disconnectDb();
  }
}

export function formatPageWeight(pages: PageWeight[]): string {
  const kb = (bytes: number) => (bytes / 1000).toFixed(1);
  return pages
    .map(
      (p) =>
        `${p.path}: JS ${kb(p.jsGzipBytes)} kB gzipped (${kb(p.jsTransferBytes)} kB on the wire${p.compressed ? ", compressed by the server" : ", sent uncompressed"}, ` +
        `${kb(p.jsDecodedBytes)} kB decoded, ${p.scriptCount} scripts), all ${kb(p.totalTransferBytes)} kB transferred, load event ${p.loadEventMs.toFixed(0)} ms (median of ${p.runs})`,
    )
    .join("\n");
}

/** Issue #16's first-load targets for both pages: ≤ 120 kB of JavaScript gzipped, load event ≤ 1.0 s. */
export function checkPageTargets(pages: PageWeight[]): Array<{ target: string; measured: string; met: boolean }> {
  return pages.flatMap((p) => [
    { target: `${p.path}: first-load JS ≤ 120 kB gzipped`, measured: `${(p.jsGzipBytes / 1000).toFixed(1)} kB`, met: p.jsGzipBytes <= 120_000 },
    {
      target: `${p.path}: load event ≤ 1.0 s (${DEVICE}, Slow 4G, CPU ${CPU_SLOWDOWN}x slower)`,
      measured: `${p.loadEventMs.toFixed(0)} ms`,
      met: p.loadEventMs <= 1000,
    },
  ]);
}

/** The pages' section of bench/results/latest.md. */
export function renderPageWeightMarkdown(pages: PageWeight[]): string[] {
  const kb = (bytes: number) => (bytes / 1000).toFixed(1);
  return [
    "## Pages (first load on a phone)",
    "",
    `Playwright's ${DEVICE} profile in Chromium, ${SLOW_4G.latencyMs} ms latency, ${((SLOW_4G.downloadBytesPerSecond * 8) / 1000).toFixed(1)} kbit/s down, ` +
      `${((SLOW_4G.uploadBytesPerSecond * 8) / 1000).toFixed(0)} kbit/s up, CPU ${CPU_SLOWDOWN}x slower, cache disabled; medians of ${pages[0]?.runs ?? 0} loads (\`npm run bench:pages\`).`,
    "",
    "| page | JS kB gzipped | JS kB on the wire | JS kB decoded | scripts | all kB transferred | load event ms |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...pages.map(
      (p) =>
        `| ${p.path} | ${kb(p.jsGzipBytes)} | ${kb(p.jsTransferBytes)} | ${kb(p.jsDecodedBytes)} | ${p.scriptCount} | ${kb(p.totalTransferBytes)} | ${p.loadEventMs.toFixed(0)} |`,
    ),
    "",
  ];
}
