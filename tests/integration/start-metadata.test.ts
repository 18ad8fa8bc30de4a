// `npm start` with an unusable FIDO metadata blob: start-up stops before migrations and the build,
// with one line naming the setting and the reason.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { blobEntry, blobPayload, createMdsPki, createTestRoot, daysFromToday, mdsFiles, metadataStatement, signMdsBlob } from "../fixtures/mds";

const run = promisify(execFile);
const files = mdsFiles();
let rootPath: string;
let staleBlob: string;
let strangerBlob: string;

beforeAll(async () => {
  const pki = await createMdsPki();
  const attestationRoot = await createTestRoot("CN=Test Attestation Root, O=Security Info Tests, C=GB");
  const entries = [blobEntry(metadataStatement("2fc0579f-8113-47ea-b116-bb5a8db9202a", "Test key", [attestationRoot]))];
  rootPath = files.write("root.pem", pki.root.pem);
  staleBlob = files.write("stale.jwt", await signMdsBlob(pki.signer, blobPayload(entries, { nextUpdate: daysFromToday(-2) })));
  const stranger = await createMdsPki();
  strangerBlob = files.write("stranger.jwt", await signMdsBlob(stranger.signer, blobPayload(entries)));
});

afterAll(() => files.remove());

async function start(env: Record<string, string>) {
  const base = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    NEXT_TELEMETRY_DISABLED: "1",
    NODE_ENV: "production" as const,
    DATABASE_URL: inject("databaseUrl"),
    SESSION_SECRET: "x".repeat(40),
  };
  try {
    const { stdout, stderr } = await run("node_modules/.bin/tsx", ["--conditions=react-server", "scripts/start.ts"], { env: { ...base, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("npm start with FIDO metadata", () => {
  it.each([
    ["a missing blob file", () => ({ MDS_BLOB_PATH: `${files.dir}/missing.jwt` }), /MDS_BLOB_PATH names an unusable file: .*cannot be read/],
    ["a blob signed under another root", () => ({ MDS_BLOB_PATH: strangerBlob, MDS_ROOT_CERT_PATH: rootPath }), /MDS_BLOB_PATH .*certificate path could not be validated/],
    ["a stale blob under MDS_STALE_BLOB=refuse", () => ({ MDS_BLOB_PATH: staleBlob, MDS_ROOT_CERT_PATH: rootPath, MDS_STALE_BLOB: "refuse" }), /MDS_BLOB_PATH .*is stale/],
    ["a root file with no certificate", () => ({ MDS_BLOB_PATH: staleBlob, MDS_ROOT_CERT_PATH: files.write("empty.pem", "") }), /MDS_ROOT_CERT_PATH names an unusable file/],
  ])("refuses to start with %s, in one line, before migrating", async (_name, env, expected) => {
    const result = await start(env());
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n").filter((l) => !l.includes("npm warn"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid configuration: /);
    expect(lines[0]).toMatch(expected);
    expect(result.stdout).not.toContain("Applied");
  });
});
