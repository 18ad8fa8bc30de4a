import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";
import { E2E } from "./tests/fixtures/e2e-env";

// The browser tests and the server they drive share one configuration (and so one session secret
// and one database); the test workers reach the database directly to make users and check rows.
Object.assign(process.env, {
  DATABASE_URL: E2E.databaseUrl,
  SESSION_SECRET: E2E.sessionSecret,
  RP_ID: "localhost",
  ORIGINS: E2E.baseURL,
  PORT: String(E2E.port),
  DATABASE_POOL_MAX: "5",
  NEXT_TELEMETRY_DISABLED: "1",
  // Every browser test signs in from the same loopback address, and many fail on purpose: that
  // address must never reach the per-IP sign-in lock. (The per-account lock keeps its default.)
  SIGNIN_IP_MAX_FAILURES: "100000",
  // For the same reason, that address must never reach the per-IP limit on WebAuthn options
  // requests; the per-account limit keeps its default (tests/e2e/rate-limit.api.spec.ts hits it).
  CEREMONY_RATE_PER_IP: "1000000",
  // And the per-IP limit on identify requests (the email step of every sign-in).
  IDENTIFY_RATE_PER_IP: "1000000",
});

/** The specs the iPhone profile runs (see its project below). */
const IPHONE_SPECS = ["security-info.spec.ts", "passkey-journey.spec.ts"].map((file) => `**/tests/e2e/${file}`);

// Debian's headless shell (package chromium-headless-shell, the same build Playwright itself runs
// headless) costs about half the CPU of the full browser in headless mode: no browser UI behind
// each page. The full Chromium is the fallback, and what `--headed` needs (CHROMIUM_PATH).
const HEADLESS_SHELL = "/usr/bin/chromium-headless-shell";
const chromium = {
  executablePath: process.env.CHROMIUM_PATH || (existsSync(HEADLESS_SHELL) ? HEADLESS_SHELL : "/usr/bin/chromium"),
  args: [
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
};

export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 30_000,
  expect: {
    timeout: 10_000,
    // Screenshot comparisons (tests/e2e/visual.spec.ts): a pixel counts as changed when its colour
    // differs by more than 0.2 on pixelmatch's 0-1 scale (anti-aliasing alone stays below), and a
    // screenshot fails when more than 0.2% of its pixels changed: a moved button, a wrapped word or
    // a new colour shows, while the same browser build and fonts give the same pixels
    // (docs/decisions/023-visual-regression.md). Animations are stopped and the caret hidden.
    toHaveScreenshot: { threshold: 0.2, maxDiffPixelRatio: 0.002, animations: "disabled", caret: "hide", scale: "css" },
  },
  // Baselines beside the specs, one folder per spec, named by the test itself (state, width, scheme).
  snapshotPathTemplate: "{testDir}/__screenshots__/{testFileName}/{arg}{ext}",
  reporter: "list",
  use: {
    baseURL: E2E.baseURL,
    launchOptions: chromium,
    // Recording a trace for every test costs about a fifth of the suite's time even when it passes;
    // set E2E_TRACE=1 to keep one for each failing test while investigating.
    trace: process.env.E2E_TRACE ? "retain-on-failure" : "off",
  },
  projects: [
    { name: "desktop", use: { ...devices["Desktop Chrome"], launchOptions: chromium } },
    // tests/e2e/desktop-only/ holds tests that wait in real time: once, on the desktop, is enough.
    // The administrators' pages (admin-*.spec.ts, and the axe audit's tests tagged @admin) run on
    // the desktop only: their specs check them at 360 px wide themselves, and no code path in them
    // reads the user agent or touch (docs/decisions/012-e2e-profiles.md).
    {
      name: "pixel-7",
      // visual.spec.ts sets its own widths (360 px and desktop): one run of it is enough.
      testIgnore: [/\.api\.spec\.ts$/, /\/desktop-only\//, /\/admin-[^/]*\.spec\.ts$/, /\/visual\.spec\.ts$/],
      grepInvert: /@admin/,
      use: { ...devices["Pixel 7"], launchOptions: chromium },
    },
    {
      // Debian has no WebKit build for Playwright: the iPhone profile (viewport, touch, user agent)
      // runs on Chromium, where it differs from Pixel 7 only in its user agent and a viewport 22 px
      // narrower. The app reads the user agent only when a passkey is registered (its name and
      // "Created with") and in the audit trail, and the layout specs set 360 px on every profile,
      // so it runs the journeys that register and use a passkey on the phone; the rest run on
      // desktop and Pixel 7 (docs/decisions/012-e2e-profiles.md).
      name: "iphone-14",
      testMatch: IPHONE_SPECS,
      use: { ...devices["iPhone 14"], browserName: "chromium", launchOptions: chromium },
    },
  ],
  webServer: {
    command: "node_modules/.bin/tsx --conditions=react-server scripts/test/e2e-server.ts",
    url: `${E2E.baseURL}/signin`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
  },
});
