import "server-only";
import { isIP } from "node:net";
import { z } from "zod";

const minutes = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const ConfigSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL"),
    /** Connections in the app's pool. The embedded server serialises sessions, so it gets 1. */
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
    SESSION_SECRET: z.string().min(32, "must be at least 32 characters"),
    // A registrable domain, never an IP address (WebAuthn §5.1.4: the RP ID is a valid domain).
    RP_ID: z
      .string()
      .regex(/^(localhost|([a-z0-9-]+\.)+[a-z][a-z0-9-]*)$/, "must be a lower-case domain name such as example.com"),
    RP_NAME: z.string().trim().min(1).max(64).default("Security Info"),
    /** Comma-separated origins the browser may use, e.g. https://id.example.com */
    ORIGINS: z.string().optional(),
    /**
     * Comma-separated origins on other domains that may also use this RP ID (WebAuthn related
     * origin requests); listed at /.well-known/webauthn.
     */
    RELATED_ORIGINS: z.string().optional(),
    TAP_LIFETIME_MINUTES: minutes(60, 10, 480),
    FRESHNESS_MINUTES: minutes(10, 1, 1440),
    /** A session unused this long ends. */
    SESSION_IDLE_MINUTES: minutes(60, 5, 1440),
    /** A session ends this long after sign-in, however active. */
    SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(720).default(12),
    /**
     * Key material (32+ characters) for secrets kept encrypted in the database (authenticator-app
     * secrets). Defaults to one derived from SESSION_SECRET; set it separately so that the session
     * secret can be rotated without losing every authenticator app.
     */
    DATA_ENCRYPTION_KEY: z.string().min(32, "must be at least 32 characters").optional(),
    /** Failed TAP, password or authenticator-app attempts on one account before it is locked. */
    SIGNIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
    /** Failed attempts from one IP address (over any accounts) before that address is locked. */
    SIGNIN_IP_MAX_FAILURES: z.coerce.number().int().min(1).max(100_000).default(50),
    /** The first lock's length; each further lock of the same account or address doubles it (at most a day). */
    SIGNIN_LOCK_MINUTES: minutes(5, 1, 1440),
    /** WebAuthn options requests from one IP address per window, over any accounts. */
    CEREMONY_RATE_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(60),
    /** WebAuthn options requests for one account (by email at sign-in, by user at registration) per window. */
    CEREMONY_RATE_PER_ACCOUNT: z.coerce.number().int().min(1).max(10_000).default(20),
    /** Identify requests (the email step of sign-in) from one IP address per window, over any emails. */
    IDENTIFY_RATE_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(60),
    /** Length of the fixed windows those requests are counted in. */
    CEREMONY_RATE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    /** Password hashes (scrypt, 128 MiB each) computed at once in one process; more wait in the queue. */
    PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
    /** Password hashes that may wait for a turn; past that, sign-ins get 503 SERVICE_UNAVAILABLE. */
    PASSWORD_HASH_QUEUE: z.coerce.number().int().min(0).max(1000).default(8),
    WEBAUTHN_ATTESTATION: z.enum(["direct", "none"]).default("direct"),
    WEBAUTHN_USER_VERIFICATION: z.enum(["required", "preferred"]).default("preferred"),
    /** A FIDO Metadata Service (MDS3) blob file the operator downloaded; verified and loaded at start-up. */
    MDS_BLOB_PATH: z.string().trim().min(1).optional(),
    /** PEM file of the root certificate(s) the blob must chain to, instead of FIDO's own MDS root. */
    MDS_ROOT_CERT_PATH: z.string().trim().min(1).optional(),
    /** What a blob past its nextUpdate date does at start-up: warn and load it, or stop start-up. */
    MDS_STALE_BLOB: z.enum(["warn", "refuse"]).default("warn"),
    /**
     * Diagnostics for the benchmark: a file this process keeps up to date with how many SQL
     * statements and committing transactions it has sent. Off by default.
     */
    DB_STATEMENT_STATS_FILE: z.string().trim().min(1).optional(),
    /**
     * Comma-separated addresses or CIDR ranges of the reverse proxies in front of the app. Only
     * X-Forwarded-For entries these proxies added are believed; none by default.
     */
    TRUSTED_PROXIES: z
      .string()
      .optional()
      .transform((raw, ctx) => {
        const ranges: string[] = [];
        for (const part of (raw ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
          const range = parseRange(part);
          if (!range) {
            ctx.addIssue({ code: "custom", message: `"${part}" is not an IP address or CIDR range such as 10.0.0.0/8` });
            return z.NEVER;
          }
          if (!ranges.includes(range)) ranges.push(range);
        }
        return ranges;
      }),
  })
  .transform((env, ctx) => {
    // Each origin must parse, and use https unless it is plain-http development on localhost.
    const parseOrigins = (variable: string, raw: string, rule: (url: URL) => string | null): string[] | null => {
      const parsed: string[] = [];
      for (const part of raw.split(",").map((s) => s.trim()).filter(Boolean)) {
        let url: URL;
        try {
          url = new URL(part);
        } catch {
          ctx.addIssue({ code: "custom", path: [variable], message: `"${part}" is not a URL` });
          return null;
        }
        const localDev = url.hostname === "localhost" && env.RP_ID === "localhost";
        const problem = rule(url) ?? (url.protocol !== "https:" && !localDev ? `${url.origin} must use https` : null);
        if (problem) {
          ctx.addIssue({ code: "custom", path: [variable], message: problem });
          return null;
        }
        if (!parsed.includes(url.origin)) parsed.push(url.origin);
      }
      return parsed;
    };

    // WebAuthn: the RP ID must equal the origin's host or be a registrable suffix of it.
    const origins = parseOrigins("ORIGINS", env.ORIGINS ?? `http://localhost:${env.PORT}`, (url) =>
      url.hostname === env.RP_ID || url.hostname.endsWith(`.${env.RP_ID}`) ? null : `${url.origin} is not on RP_ID ${env.RP_ID}`,
    );
    if (!origins) return z.NEVER;
    if (origins.length === 0) {
      ctx.addIssue({ code: "custom", path: ["ORIGINS"], message: "must name at least one origin" });
      return z.NEVER;
    }
    // Related origins may be on any domain (the RP ID's /.well-known/webauthn vouches for them).
    const related = parseOrigins("RELATED_ORIGINS", env.RELATED_ORIGINS ?? "", () => null);
    if (!related) return z.NEVER;
    const relatedOrigins = related.filter((origin) => !origins.includes(origin));
    if (env.MDS_ROOT_CERT_PATH && !env.MDS_BLOB_PATH) {
      ctx.addIssue({ code: "custom", path: ["MDS_ROOT_CERT_PATH"], message: "is set, but MDS_BLOB_PATH names no blob to check with it" });
      return z.NEVER;
    }
    return {
      nodeEnv: env.NODE_ENV,
      port: env.PORT,
      databaseUrl: env.DATABASE_URL,
      databasePoolMax: env.DATABASE_POOL_MAX,
      dbStatementStatsFile: env.DB_STATEMENT_STATS_FILE ?? null,
      sessionSecret: env.SESSION_SECRET,
      rpId: env.RP_ID,
      rpName: env.RP_NAME,
      /** Every origin the app accepts requests and ceremonies from: its own, then related ones. */
      origins: [...origins, ...relatedOrigins],
      relatedOrigins,
      /** Cookies are Secure everywhere except plain-http localhost development. */
      secureCookies: env.RP_ID !== "localhost",
      tapLifetimeMinutes: env.TAP_LIFETIME_MINUTES,
      freshnessMs: env.FRESHNESS_MINUTES * 60_000,
      sessionIdleMs: env.SESSION_IDLE_MINUTES * 60_000,
      sessionAbsoluteMs: env.SESSION_ABSOLUTE_HOURS * 3_600_000,
      dataEncryptionKey: env.DATA_ENCRYPTION_KEY ?? null,
      signInMaxFailures: env.SIGNIN_MAX_FAILURES,
      signInIpMaxFailures: env.SIGNIN_IP_MAX_FAILURES,
      signInLockMs: env.SIGNIN_LOCK_MINUTES * 60_000,
      ceremonyRate: {
        perIp: env.CEREMONY_RATE_PER_IP,
        perAccount: env.CEREMONY_RATE_PER_ACCOUNT,
        windowMs: env.CEREMONY_RATE_WINDOW_SECONDS * 1000,
      },
      identifyRatePerIp: env.IDENTIFY_RATE_PER_IP,
      passwordHash: { concurrency: env.PASSWORD_HASH_CONCURRENCY, queue: env.PASSWORD_HASH_QUEUE },
      attestation: env.WEBAUTHN_ATTESTATION,
      userVerification: env.WEBAUTHN_USER_VERIFICATION,
      /** Trusted reverse proxies as CIDR ranges ("192.0.2.1/32" for one address); empty by default. */
      trustedProxies: env.TRUSTED_PROXIES,
      mds: {
        blobPath: env.MDS_BLOB_PATH ?? null,
        rootCertPath: env.MDS_ROOT_CERT_PATH ?? null,
        staleBlob: env.MDS_STALE_BLOB,
      },
    };
  });

export type Config = z.output<typeof ConfigSchema>;

/** "10.0.0.0/8", "192.0.2.1" or "2001:db8::/32" as a CIDR range with its prefix; null if not one. */
function parseRange(text: string): string | null {
  const [address = "", prefix, extra] = text.split("/");
  if (extra !== undefined) return null;
  const family = isIP(address);
  if (family === 0) return null;
  const max = family === 4 ? 32 : 128;
  if (prefix === undefined) return `${address.toLowerCase()}/${max}`;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return null;
  return `${address.toLowerCase()}/${Number(prefix)}`;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, detail: string) {
    super(`Invalid configuration: ${variable} ${detail}`);
    this.name = "ConfigError";
  }
}

/** Parses configuration from an environment; throws ConfigError naming the first bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const defaults = { RP_ID: "localhost" };
  const result = ConfigSchema.safeParse({ ...defaults, ...stripEmpty(env) });
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const variable = String(issue.path[0] ?? "configuration");
    const detail = issue.code === "invalid_type" && issue.input === undefined ? "is required" : issue.message;
    throw new ConfigError(variable, detail);
  }
  return result.data;
}

function stripEmpty(env: Record<string, string | undefined>) {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
}

let cached: Config | undefined;

/** The process's configuration, read and validated once. */
export function getConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/** Tests change the environment between cases; production never calls this. */
export function resetConfigForTests(): void {
  cached = undefined;
}
