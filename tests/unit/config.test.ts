// parseConfig: defaults, and a ConfigError naming the variable for each bad setting.
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "@/server/config";

const base = {
  DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/security_info",
  SESSION_SECRET: "s".repeat(32),
};

/** parseConfig must throw a ConfigError for `variable` whose message names it. */
function expectConfigError(env: Record<string, string | undefined>, variable: string): ConfigError {
  let thrown: unknown;
  try {
    parseConfig(env);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ConfigError);
  const error = thrown as ConfigError;
  expect(error.variable).toBe(variable);
  expect(error.message).toContain(variable);
  expect(error.name).toBe("ConfigError");
  return error;
}

describe("parseConfig defaults", () => {
  it("runs on localhost with the documented defaults", () => {
    const config = parseConfig(base);
    expect(config).toMatchObject({
      rpId: "localhost",
      rpName: "Security Info",
      origins: ["http://localhost:3000"],
      port: 3000,
      tapLifetimeMinutes: 60,
      freshnessMs: 10 * 60_000,
      attestation: "direct",
      userVerification: "preferred",
      secureCookies: false,
      databasePoolMax: 10,
      databaseUrl: base.DATABASE_URL,
      sessionSecret: base.SESSION_SECRET,
    });
  });

  it("derives the default origin from PORT", () => {
    expect(parseConfig({ ...base, PORT: "4000" }).origins).toEqual(["http://localhost:4000"]);
  });

  it("treats empty variables as unset", () => {
    const config = parseConfig({ ...base, RP_ID: "", ORIGINS: "", TAP_LIFETIME_MINUTES: "", FRESHNESS_MINUTES: "" });
    expect(config).toMatchObject({ rpId: "localhost", origins: ["http://localhost:3000"], tapLifetimeMinutes: 60, freshnessMs: 600_000 });
  });

  it("accepts a production setup with several https origins on the RP ID", () => {
    const config = parseConfig({
      ...base,
      RP_ID: "example.com",
      ORIGINS: "https://example.com, https://id.example.com/,https://login.id.example.com:8443",
      TAP_LIFETIME_MINUTES: "480",
      FRESHNESS_MINUTES: "5",
      WEBAUTHN_USER_VERIFICATION: "required",
      WEBAUTHN_ATTESTATION: "none",
    });
    expect(config).toMatchObject({
      rpId: "example.com",
      origins: ["https://example.com", "https://id.example.com", "https://login.id.example.com:8443"],
      tapLifetimeMinutes: 480,
      freshnessMs: 5 * 60_000,
      userVerification: "required",
      attestation: "none",
    });
  });

  it.each(["10", "480"])("accepts TAP_LIFETIME_MINUTES=%s", (value) => {
    expect(parseConfig({ ...base, TAP_LIFETIME_MINUTES: value }).tapLifetimeMinutes).toBe(Number(value));
  });
});

describe("parseConfig secureCookies", () => {
  it("is false on localhost", () => {
    expect(parseConfig({ ...base, RP_ID: "localhost", ORIGINS: "http://localhost:3000" }).secureCookies).toBe(false);
  });

  it("is true for any other RP ID", () => {
    expect(parseConfig({ ...base, RP_ID: "example.com", ORIGINS: "https://example.com" }).secureCookies).toBe(true);
    expect(parseConfig({ ...base, RP_ID: "id.example.org", ORIGINS: "https://id.example.org" }).secureCookies).toBe(true);
  });
});

describe("parseConfig refusals", () => {
  it("refuses a missing DATABASE_URL", () => {
    const error = expectConfigError({ SESSION_SECRET: base.SESSION_SECRET }, "DATABASE_URL");
    expect(error.message).toMatch(/required/);
  });

  it("refuses an empty DATABASE_URL as missing", () => {
    expectConfigError({ ...base, DATABASE_URL: "" }, "DATABASE_URL");
  });

  it("refuses a DATABASE_URL that is not PostgreSQL", () => {
    expectConfigError({ ...base, DATABASE_URL: "mysql://root@localhost/db" }, "DATABASE_URL");
  });

  it("refuses a missing SESSION_SECRET", () => {
    expectConfigError({ DATABASE_URL: base.DATABASE_URL }, "SESSION_SECRET");
  });

  it("refuses a SESSION_SECRET shorter than 32 characters", () => {
    const error = expectConfigError({ ...base, SESSION_SECRET: "s".repeat(31) }, "SESSION_SECRET");
    expect(error.message).toMatch(/32/);
  });

  it.each(["5", "9", "481", "500", "0", "-60", "sixty", "30.5"])("refuses TAP_LIFETIME_MINUTES=%s", (value) => {
    expectConfigError({ ...base, TAP_LIFETIME_MINUTES: value }, "TAP_LIFETIME_MINUTES");
  });

  it.each(["0", "1441", "soon"])("refuses FRESHNESS_MINUTES=%s", (value) => {
    expectConfigError({ ...base, FRESHNESS_MINUTES: value }, "FRESHNESS_MINUTES");
  });

  it.each([
    ["another domain", "example.com", "https://example.org"],
    ["a look-alike suffix", "example.com", "https://evilexample.com"],
    ["a parent domain", "id.example.com", "https://example.com"],
    ["one bad origin among good ones", "example.com", "https://example.com,https://evil.example"],
    ["localhost for a public RP ID", "example.com", "http://localhost:3000"],
  ])("refuses ORIGINS on %s", (_label, rpId, origins) => {
    const error = expectConfigError({ ...base, RP_ID: rpId, ORIGINS: origins }, "ORIGINS");
    expect(error.message).toContain(rpId);
  });

  it("refuses an http origin for a non-localhost RP ID", () => {
    const error = expectConfigError({ ...base, RP_ID: "example.com", ORIGINS: "http://id.example.com" }, "ORIGINS");
    expect(error.message).toMatch(/https/);
  });

  it("refuses ORIGINS that are not URLs", () => {
    expectConfigError({ ...base, ORIGINS: "localhost:3000" }, "ORIGINS");
    expectConfigError({ ...base, ORIGINS: "not a url" }, "ORIGINS");
  });

  it("refuses ORIGINS with no origin in it", () => {
    expectConfigError({ ...base, ORIGINS: " , ," }, "ORIGINS");
  });

  it.each(["https://example.com", "example.com/", "exa mple.com", "example", "*.example.com", "example.com:443", "ex_ample.com", "127.0.0.1", "10.0.0.1", "Example.COM"])(
    "refuses RP_ID=%j",
    (rpId) => {
      expectConfigError({ ...base, RP_ID: rpId, ORIGINS: "https://example.com" }, "RP_ID");
    },
  );

  it("refuses an unknown WEBAUTHN_USER_VERIFICATION", () => {
    expectConfigError({ ...base, WEBAUTHN_USER_VERIFICATION: "discouraged" }, "WEBAUTHN_USER_VERIFICATION");
  });

  it("refuses an unknown WEBAUTHN_ATTESTATION", () => {
    expectConfigError({ ...base, WEBAUTHN_ATTESTATION: "enterprise" }, "WEBAUTHN_ATTESTATION");
  });

  it("refuses a PORT out of range", () => {
    expectConfigError({ ...base, PORT: "70000" }, "PORT");
  });
});

describe("parseConfig RELATED_ORIGINS", () => {
  it("lists no related origins when unset or empty", () => {
    expect(parseConfig(base)).toMatchObject({ origins: ["http://localhost:3000"], relatedOrigins: [] });
    expect(parseConfig({ ...base, RELATED_ORIGINS: "" })).toMatchObject({ origins: ["http://localhost:3000"], relatedOrigins: [] });
    expect(parseConfig({ ...base, RELATED_ORIGINS: " , " })).toMatchObject({ origins: ["http://localhost:3000"], relatedOrigins: [] });
  });

  it("accepts https origins on any domain and appends them to ORIGINS, normalised", () => {
    const config = parseConfig({
      ...base,
      RP_ID: "example.com",
      ORIGINS: "https://example.com",
      RELATED_ORIGINS: " https://login.example.org/ ,https://example.co.uk:8443/path?q=1",
    });
    expect(config.relatedOrigins).toEqual(["https://login.example.org", "https://example.co.uk:8443"]);
    expect(config.origins).toEqual(["https://example.com", "https://login.example.org", "https://example.co.uk:8443"]);
  });

  it("accepts http only for localhost", () => {
    expect(parseConfig({ ...base, RELATED_ORIGINS: "http://localhost:4000" }).relatedOrigins).toEqual(["http://localhost:4000"]);
  });

  it("drops related origins already in ORIGINS", () => {
    const config = parseConfig({
      ...base,
      RP_ID: "example.com",
      ORIGINS: "https://example.com,https://id.example.com",
      RELATED_ORIGINS: "https://id.example.com/, https://login.example.org, https://example.com",
    });
    expect(config.relatedOrigins).toEqual(["https://login.example.org"]);
    expect(config.origins).toEqual(["https://example.com", "https://id.example.com", "https://login.example.org"]);
  });

  it.each(["login.example.org", "not a url", "https://", "//login.example.org"])("refuses RELATED_ORIGINS=%j, not a URL", (value) => {
    const error = expectConfigError({ ...base, RELATED_ORIGINS: value }, "RELATED_ORIGINS");
    expect(error.message).toMatch(/not a URL/);
  });

  it.each(["http://login.example.org", "http://127.0.0.1:3000", "ftp://login.example.org", "javascript:alert(1)"])(
    "refuses RELATED_ORIGINS=%j, not https on a host other than localhost",
    (value) => {
      const error = expectConfigError({ ...base, RELATED_ORIGINS: value }, "RELATED_ORIGINS");
      expect(error.message).toMatch(/https/);
    },
  );

  it("refuses one bad related origin among good ones", () => {
    expectConfigError({ ...base, RELATED_ORIGINS: "https://login.example.org,http://evil.example" }, "RELATED_ORIGINS");
  });
});

describe("parseConfig RELATED_ORIGINS, listed once and never plain http beside a public RP ID", () => {
  it("lists an origin given twice only once", () => {
    const config = parseConfig({ ...base, RELATED_ORIGINS: "https://login.example.org, https://login.example.org/" });
    expect(config.relatedOrigins).toEqual(["https://login.example.org"]);
  });

  it("refuses http://localhost as a related origin of a public RP ID", () => {
    const error = expectConfigError(
      { ...base, RP_ID: "example.com", ORIGINS: "https://example.com", RELATED_ORIGINS: "http://localhost:4000" },
      "RELATED_ORIGINS",
    );
    expect(error.message).toContain("must use https");
  });
});

describe("parseConfig session lifetimes", () => {
  it("defaults to 60 idle minutes and 12 hours in all", () => {
    const config = parseConfig(base);
    expect(config.sessionIdleMs).toBe(60 * 60_000);
    expect(config.sessionAbsoluteMs).toBe(12 * 3_600_000);
  });

  it.each([
    ["SESSION_IDLE_MINUTES", "2"],
    ["SESSION_IDLE_MINUTES", "2000"],
    ["SESSION_ABSOLUTE_HOURS", "0"],
    ["SESSION_ABSOLUTE_HOURS", "1000"],
  ])("refuses %s=%s", (variable, value) => {
    expectConfigError({ ...base, [variable]: value }, variable);
  });
});


describe("parseConfig FIDO metadata", () => {
  it("loads no blob and warns about stale ones by default", () => {
    expect(parseConfig(base).mds).toEqual({ blobPath: null, rootCertPath: null, staleBlob: "warn" });
  });

  it("takes a blob file, a root certificate file and the stale-blob choice", () => {
    const config = parseConfig({ ...base, MDS_BLOB_PATH: "/etc/si/blob.jwt", MDS_ROOT_CERT_PATH: "/etc/si/root.pem", MDS_STALE_BLOB: "refuse" });
    expect(config.mds).toEqual({ blobPath: "/etc/si/blob.jwt", rootCertPath: "/etc/si/root.pem", staleBlob: "refuse" });
  });

  it("refuses an unknown MDS_STALE_BLOB", () => {
    expectConfigError({ ...base, MDS_STALE_BLOB: "ignore" }, "MDS_STALE_BLOB");
  });

  it("refuses a root certificate file without a blob to check with it", () => {
    const error = expectConfigError({ ...base, MDS_ROOT_CERT_PATH: "/etc/si/root.pem" }, "MDS_ROOT_CERT_PATH");
    expect(error.message).toMatch(/MDS_BLOB_PATH/);
  });
});

describe("parseConfig TRUSTED_PROXIES", () => {
  it("trusts no proxy by default", () => {
    expect(parseConfig(base).trustedProxies).toEqual([]);
    expect(parseConfig({ ...base, TRUSTED_PROXIES: "" }).trustedProxies).toEqual([]);
  });

  it("accepts addresses and CIDR ranges of both families, as ranges, without duplicates", () => {
    expect(parseConfig({ ...base, TRUSTED_PROXIES: " 10.0.0.0/8, 192.0.2.1 ,2001:DB8::/32, 192.0.2.1/32,::1" }).trustedProxies).toEqual([
      "10.0.0.0/8",
      "192.0.2.1/32",
      "2001:db8::/32",
      "::1/128",
    ]);
  });

  it.each(["proxy.example.com", "10.0.0.0/33", "2001:db8::/129", "10.0.0.0/8/1", "10.0.0/8", "10.0.0.0/x", "256.1.1.1"])(
    "refuses %s",
    (value) => {
      expect(expectConfigError({ ...base, TRUSTED_PROXIES: value }, "TRUSTED_PROXIES").message).toContain(value);
    },
  );
});
