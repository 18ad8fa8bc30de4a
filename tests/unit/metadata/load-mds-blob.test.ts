// Loading an operator's FIDO MDS3 blob: verified against the configured root with no network,
// stale blobs warned about or refused, compromised entries dropped, bad files refused.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { MetadataService } from "@simplewebauthn/server";
import { verifyMDSBlob } from "@simplewebauthn/server/helpers";
import { SettingsService } from "@simplewebauthn/server";
import { ConfigError, parseConfig } from "@/server/config";
import { installMetadata } from "@/server/webauthn/metadata/install-metadata";
import { loadMdsBlob, MdsBlobError, type LoadMdsBlobOptions } from "@/server/webauthn/metadata/load-mds-blob";
import { loadMetadataFromConfig } from "@/server/webauthn/metadata/load-metadata-from-config";
import { getLoadedMetadata, getMetadataStatus } from "@/server/webauthn/metadata/loaded-metadata";
import {
  blobEntry,
  blobPayload,
  createMdsPki,
  createTestRoot,
  daysFromToday,
  mdsFiles,
  metadataStatement,
  signMdsBlob,
  TEST_CRL_URL,
  type MdsPki,
  type TestCa,
} from "../../fixtures/mds";

const GOOD = "11111111-2222-3333-4444-555555555555";
const COMPROMISED = "66666666-7777-8888-9999-000000000000";
const REVOKED = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

let pki: MdsPki;
let attestationRoot: TestCa;
const files = mdsFiles();
let rootPath: string;

beforeAll(async () => {
  pki = await createMdsPki();
  attestationRoot = await createTestRoot("CN=Test Attestation Root, O=Security Info Tests, C=GB");
  rootPath = files.write("root.pem", pki.root.pem);
});

afterEach(async () => {
  vi.unstubAllGlobals();
  await installMetadata(null);
});

afterAll(() => files.remove());

function entries() {
  return [
    blobEntry(metadataStatement(GOOD, "Good key", [attestationRoot])),
    blobEntry(metadataStatement(COMPROMISED, "Leaky key", [attestationRoot]), ["FIDO_CERTIFIED", "ATTESTATION_KEY_COMPROMISE", "UPDATE_AVAILABLE"]),
    blobEntry(metadataStatement(REVOKED, "Revoked key", [attestationRoot]), ["FIDO_CERTIFIED", "REVOKED"]),
  ];
}

async function writeBlob(payload = blobPayload(entries()), name = "blob.jwt"): Promise<string> {
  return files.write(name, await signMdsBlob(pki.signer, payload));
}

function options(blobPath: string, extra: Partial<LoadMdsBlobOptions> = {}): LoadMdsBlobOptions {
  return { blobPath, rootCertPath: rootPath, staleBlob: "warn", ...extra };
}

async function refusal(promise: Promise<unknown>): Promise<MdsBlobError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(MdsBlobError);
  return error as MdsBlobError;
}

describe("loadMdsBlob", () => {
  it("accepts a blob signed under the configured root and keeps its number, date and statements", async () => {
    const nextUpdate = daysFromToday(20);
    const path = await writeBlob(blobPayload(entries(), { no: 77, nextUpdate }));
    const { metadata, warnings } = await loadMdsBlob(options(path));
    expect(warnings).toEqual([]);
    expect(metadata).toMatchObject({ no: 77, nextUpdate, path, dropped: 2 });
    expect(metadata.statements.map((s) => s.aaguid)).toEqual([GOOD]);
  });

  it("drops every entry with a compromise or revocation status report, even one followed by a later report", async () => {
    const { metadata } = await loadMdsBlob(options(await writeBlob()));
    const aaguids = metadata.statements.map((s) => s.aaguid);
    expect(aaguids).not.toContain(COMPROMISED);
    expect(aaguids).not.toContain(REVOKED);
    expect(metadata.dropped).toBe(2);
  });

  it("never fetches anything, though the signer's certificate names a CRL", async () => {
    const path = await writeBlob();
    const fetched: string[] = [];
    vi.stubGlobal("fetch", async (input: unknown) => {
      fetched.push(String(input));
      throw new Error("no network in tests");
    });
    await loadMdsBlob(options(path));
    expect(fetched).toEqual([]);

    // The same check done by the library on its own does try the CRL: the guard is what stops it.
    SettingsService.setRootCertificates({ identifier: "mds", certificates: [pki.root.pem] });
    const { readFileSync } = await import("node:fs");
    await verifyMDSBlob(readFileSync(path, "utf8"));
    expect(fetched).toContain(TEST_CRL_URL);
  });

  it("refuses a blob whose signature does not match its content", async () => {
    const text = await signMdsBlob(pki.signer, blobPayload(entries()));
    const [header, , signature] = text.split(".");
    const forged = Buffer.from(JSON.stringify(blobPayload(entries(), { no: 999 }))).toString("base64url");
    const path = files.write("forged.jwt", `${header}.${forged}.${signature}`);
    const error = await refusal(loadMdsBlob(options(path)));
    expect(error.message).toMatch(/signature could not be verified/);
    expect(error.variable).toBe("MDS_BLOB_PATH");
  });

  it("refuses a blob signed under another root", async () => {
    const stranger = await createMdsPki();
    const path = files.write("stranger.jwt", await signMdsBlob(stranger.signer, blobPayload(entries())));
    const error = await refusal(loadMdsBlob(options(path)));
    expect(error.message).toMatch(/certificate path could not be validated/);
  });

  it("refuses a test blob against FIDO's own root when no root file is configured", async () => {
    const error = await refusal(loadMdsBlob(options(await writeBlob(), { rootCertPath: null })));
    expect(error.message).toMatch(/certificate path could not be validated/);
  });

  it.each([
    ["not a JWT", "hello"],
    ["a JWT without x5c", `${Buffer.from('{"alg":"ES256"}').toString("base64url")}.${Buffer.from("{}").toString("base64url")}.sig`],
    ["an empty file", ""],
  ])("refuses a malformed blob (%s)", async (_name, content) => {
    const error = await refusal(loadMdsBlob(options(files.write("bad.jwt", content))));
    expect(error.message).toMatch(/FIDO metadata blob .*bad\.jwt/);
  });

  it("refuses a payload without a serial number or a nextUpdate date", async () => {
    const path = await writeBlob({ ...blobPayload(entries()), nextUpdate: "soon" } as never, "nodate.jwt");
    const error = await refusal(loadMdsBlob(options(path)));
    expect(error.message).toMatch(/nextUpdate/);
  });

  it("refuses a missing file and a root file without certificates, naming the setting", async () => {
    await expect(refusal(loadMdsBlob(options(files.dir + "/missing.jwt")))).resolves.toMatchObject({ variable: "MDS_BLOB_PATH" });
    const noPem = files.write("empty.pem", "not a certificate");
    const error = await refusal(loadMdsBlob(options(await writeBlob(), { rootCertPath: noPem })));
    expect(error.variable).toBe("MDS_ROOT_CERT_PATH");
  });

  it("loads a stale blob with a warning by default", async () => {
    const path = await writeBlob(blobPayload(entries(), { nextUpdate: daysFromToday(-3) }));
    const { metadata, warnings } = await loadMdsBlob(options(path));
    expect(metadata.statements).toHaveLength(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/is stale: its nextUpdate .* has passed/);
  });

  it("refuses a stale blob when told to", async () => {
    const path = await writeBlob(blobPayload(entries(), { nextUpdate: daysFromToday(-1) }));
    const error = await refusal(loadMdsBlob(options(path, { staleBlob: "refuse" })));
    expect(error.message).toMatch(/stale.*MDS_STALE_BLOB=refuse/);
  });

  it("treats a blob whose nextUpdate is today as current", async () => {
    const path = await writeBlob(blobPayload(entries(), { nextUpdate: daysFromToday(0) }));
    await expect(loadMdsBlob(options(path, { staleBlob: "refuse" }))).resolves.toMatchObject({ warnings: [] });
  });
});

describe("loadMetadataFromConfig", () => {
  const base = { DATABASE_URL: "postgresql://x@127.0.0.1/x", SESSION_SECRET: "s".repeat(32) };

  it("loads the configured blob into the process and MetadataService", async () => {
    const path = await writeBlob(blobPayload(entries(), { no: 5 }));
    const loaded = await loadMetadataFromConfig(parseConfig({ ...base, MDS_BLOB_PATH: path, MDS_ROOT_CERT_PATH: rootPath }));
    expect(loaded?.no).toBe(5);
    expect(getLoadedMetadata()).toBe(loaded);
    expect(getMetadataStatus()).toMatchObject({ no: 5, statements: 1, dropped: 2, stale: false });
    expect(await MetadataService.getStatement(GOOD)).toMatchObject({ aaguid: GOOD });
    // No statement is not an error for the library: the passkey policy decides.
    expect(await MetadataService.getStatement(COMPROMISED)).toBeUndefined();
  });

  it("loads nothing when no blob is configured", async () => {
    expect(await loadMetadataFromConfig(parseConfig(base))).toBeNull();
    expect(getMetadataStatus()).toBeNull();
  });

  it("stops start-up with a ConfigError naming MDS_BLOB_PATH for a bad blob", async () => {
    const path = files.write("garbage.jwt", "garbage");
    const error = await loadMetadataFromConfig(parseConfig({ ...base, MDS_BLOB_PATH: path, MDS_ROOT_CERT_PATH: rootPath })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/^Invalid configuration: MDS_BLOB_PATH names an unusable file: FIDO metadata blob/);
    expect(getLoadedMetadata()).toBeNull();
  });

  it("passes a stale-blob warning on and still loads the blob", async () => {
    const path = await writeBlob(blobPayload(entries(), { nextUpdate: daysFromToday(-10) }));
    const warned: string[] = [];
    await loadMetadataFromConfig(parseConfig({ ...base, MDS_BLOB_PATH: path, MDS_ROOT_CERT_PATH: rootPath }), (line) => warned.push(line));
    expect(warned).toHaveLength(1);
    expect(getMetadataStatus()?.stale).toBe(true);
  });
});
