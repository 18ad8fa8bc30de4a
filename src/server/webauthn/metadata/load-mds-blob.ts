import "server-only";
import { readFileSync, statSync } from "node:fs";
import { SettingsService, type MetadataBLOBPayloadEntry, type MetadataStatement } from "@simplewebauthn/server";
import { verifyMDSBlob } from "@simplewebauthn/server/helpers";
import { z } from "zod";
import { dropCompromisedEntries } from "./drop-compromised-entries";
import { isMetadataStale, type LoadedMetadata } from "./loaded-metadata";
import { withoutNetwork } from "./without-network";

export interface LoadMdsBlobOptions {
  blobPath: string;
  /** PEM file of the root(s) the blob's signer must chain to; null keeps FIDO's own MDS roots. */
  rootCertPath: string | null;
  /** A blob past its nextUpdate date: load it with a warning, or refuse it. */
  staleBlob: "warn" | "refuse";
  now?: Date;
}

export interface LoadedMdsBlob {
  metadata: LoadedMetadata;
  /** One-line warnings for the operator (a stale blob). */
  warnings: string[];
}

/** A blob that must not be loaded; the message names the file and the reason on one line. */
export class MdsBlobError extends Error {
  constructor(
    message: string,
    options?: ErrorOptions,
    /** The setting naming the unusable file. */
    readonly variable: "MDS_BLOB_PATH" | "MDS_ROOT_CERT_PATH" = "MDS_BLOB_PATH",
  ) {
    super(message, options);
    this.name = "MdsBlobError";
  }
}

// FIDO's blob is a few megabytes; anything far bigger is not one.
const MAX_BLOB_BYTES = 64 * 1024 * 1024;
const MAX_PEM_BYTES = 1024 * 1024;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----/g;

const BlobHeader = z.object({ alg: z.string().min(1), x5c: z.array(z.string().min(1)).min(1) });
const BlobPayload = z.object({
  no: z.number().int().positive(),
  nextUpdate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a YYYY-MM-DD date"),
  entries: z.array(z.object({ aaguid: z.string().optional(), statusReports: z.array(z.object({ status: z.string() })) }).passthrough()),
});

// SimpleWebAuthn ships FIDO's MDS roots under the "mds" identifier; remembered before the first
// override so that a later load without MDS_ROOT_CERT_PATH goes back to them.
const FIDO_ROOTS = Symbol.for("security-info.fido-mds-roots");
type Holder = { [FIDO_ROOTS]?: string[] };

/**
 * Reads an MDS3 blob file and verifies it (signature, signer certificate chain to the MDS root,
 * nextUpdate), with no network access, then keeps the FIDO2 statements of every entry that no
 * status report marks as compromised. Throws MdsBlobError; nothing is installed (see
 * installMetadata).
 */
export async function loadMdsBlob(options: LoadMdsBlobOptions): Promise<LoadedMdsBlob> {
  const { blobPath, rootCertPath, staleBlob, now = new Date() } = options;
  const fail = (problem: string, cause?: unknown): never => {
    throw new MdsBlobError(oneLine(`FIDO metadata blob ${blobPath}: ${problem}`), { cause });
  };

  const roots = rootCertPath ? readRootCertificates(rootCertPath) : fidoRoots();
  const text = readText(blobPath, MAX_BLOB_BYTES, fail).trim();

  const parts = text.split(".");
  if (parts.length !== 3) fail("is not a signed metadata blob (expected a JWT: three dot-separated parts)");
  const header = BlobHeader.safeParse(decodeJson(parts[0]!));
  if (!header.success) fail(`has no usable header (${describe(header.error)})`);
  const payload = BlobPayload.safeParse(decodeJson(parts[1]!));
  if (!payload.success) fail(`has no usable payload (${describe(payload.error)})`);

  SettingsService.setRootCertificates({ identifier: "mds", certificates: roots });
  let verified: Awaited<ReturnType<typeof verifyMDSBlob>>;
  try {
    verified = await withoutNetwork(() => verifyMDSBlob(text));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const detail = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : "";
    return fail(`was refused: ${reason}${detail}`, error);
  }

  const { no, nextUpdate } = verified.payload;
  const warnings: string[] = [];
  if (isMetadataStale(nextUpdate, now)) {
    const stale = `FIDO metadata blob ${blobPath} (no. ${no}) is stale: its nextUpdate ${nextUpdate} has passed; download a newer blob`;
    if (staleBlob === "refuse") fail(`is stale: its nextUpdate ${nextUpdate} has passed (MDS_STALE_BLOB=refuse); download a newer blob`);
    warnings.push(stale);
  }

  const { kept, dropped } = dropCompromisedEntries(verified.payload.entries);
  const statements = kept.filter(hasFido2Statement).map((entry) => entry.metadataStatement);
  return {
    metadata: { no, nextUpdate, statements, dropped, path: blobPath, loadedAt: now },
    warnings,
  };
}

function hasFido2Statement(entry: MetadataBLOBPayloadEntry): entry is MetadataBLOBPayloadEntry & { aaguid: string; metadataStatement: MetadataStatement } {
  return typeof entry.aaguid === "string" && entry.metadataStatement !== undefined;
}

function fidoRoots(): string[] {
  const holder = globalThis as Holder;
  holder[FIDO_ROOTS] ??= SettingsService.getRootCertificates({ identifier: "mds" });
  return holder[FIDO_ROOTS];
}

/** Every PEM certificate in the file; at least one. */
function readRootCertificates(path: string): string[] {
  fidoRoots();
  const fail = (problem: string, cause?: unknown): never => {
    throw new MdsBlobError(oneLine(`FIDO metadata root certificate file ${path}: ${problem}`), { cause }, "MDS_ROOT_CERT_PATH");
  };
  const pems = readText(path, MAX_PEM_BYTES, fail).match(PEM_CERTIFICATE) ?? [];
  if (pems.length === 0) fail("holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
  return pems.map((pem) => pem.replace(/\r\n/g, "\n"));
}

function readText(path: string, limit: number, fail: (problem: string, cause?: unknown) => never): string {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    return fail(`cannot be read (${error instanceof Error ? error.message : String(error)})`, error);
  }
  if (size > limit) fail(`is ${size} bytes; the limit is ${limit} bytes`);
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    return fail(`cannot be read (${error instanceof Error ? error.message : String(error)})`, error);
  }
}

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message;
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, " ");
}
