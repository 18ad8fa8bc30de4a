// Property-based tests of every API route file (src/app/**/route.ts) and each HTTP method it
// exports: fast-check sends hostile input (arbitrary JSON, wrong types, huge strings, deep nesting,
// broken JSON, oversized bodies, foreign origins and content types, forged session cookies, bad
// path ids and query strings, and tampered WebAuthn responses), and every answer must be a 4xx
// `{ error: { code, message } }` with a code of src/contracts/errors.ts, never a 5xx, and the
// database must be exactly as it was (tests/fixtures/db-fingerprint.ts), apart from the changes
// listed in ALLOWED below.
//
// FUZZ_SEED=<n> replays a run (fast-check prints the seed of a failure), FUZZ_RUNS=<n> sets the
// runs per route, FUZZ_SHRINK=1 shrinks a counterexample (slow: every step is real requests).
import { randomBytes, randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { sealData } from "iron-session";
import type { z } from "zod";
import { AuditFilterQuery, AuditPageQuery, searchParamsObject } from "@/contracts/admin-audit";
import { RegistrationFilterQuery, RegistrationPageQuery, ReportRangeQuery, reportParams } from "@/contracts/admin-reports";
import { IssueUserTapBody, ListUsersQuery } from "@/contracts/admin-users";
import { PasswordSignInBody, TapSignInBody, IdentifyBody } from "@/contracts/auth";
import { CampaignSkipBody } from "@/contracts/campaign";
import { ERROR_STATUS, type ErrorCode } from "@/contracts/errors";
import { ConfirmAuthenticatorAppBody, DefaultSignInMethodBody, SetPasswordBody } from "@/contracts/methods";
import { DeletePasskeyBody, RenamePasskeyBody } from "@/contracts/passkeys";
import { PolicyUserSearchQuery, UpdatePasskeyPolicyBody } from "@/contracts/policy";
import { AuthenticationOptionsBody, AuthenticationVerifyBody, RegistrationOptionsBody, RegistrationVerifyBody } from "@/contracts/webauthn";
import { getDb } from "@/server/db";
import { SESSION_TTL_SECONDS } from "@/server/session-data";
import { issueTemporaryAccessPass } from "@/server/tap/issue-temporary-access-pass";
import { createUser } from "@/server/users";
import { createAdminWithTap, deleteUserById, storePasskey } from "../fixtures/admin-users";
import { givePassword } from "../fixtures/credentials";
import { dbFingerprint, type FingerprintOptions } from "../fixtures/db-fingerprint";
import { E2E } from "../fixtures/e2e-env";
import { expect, test } from "../fixtures/playwright";
import { cborEncode, fromBase64url, SoftAuthenticator, toBase64url, type CborValue } from "../fixtures/soft-authenticator";
import { uniqueEmail } from "../fixtures/unique-email";

const ORIGIN = E2E.baseURL;
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const RUNS = Number(process.env.FUZZ_RUNS ?? 15);
const MAX_BODY_BYTES = 64 * 1024;
const KNOWN_CODES = new Set(Object.keys(ERROR_STATUS));

type CreationOptions = Parameters<SoftAuthenticator["createCredential"]>[0]["options"];
type RequestOptions = Parameters<SoftAuthenticator["getAssertion"]>[0]["options"];
type RegistrationJSON = ReturnType<SoftAuthenticator["createCredential"]>;
type AuthenticationJSON = ReturnType<SoftAuthenticator["getAssertion"]>;

function runParams(numRuns = RUNS): fc.Parameters<unknown> {
  freshProperty();
  return { numRuns, seed: SEED, endOnFailure: !process.env.FUZZ_SHRINK };
}

// ---------------------------------------------------------------------------------------------
// Requests: plain fetch with explicit cookies, so no answer can change what the next request sends
// ---------------------------------------------------------------------------------------------

interface Call {
  method: string;
  path: string;
  body?: string;
  cookie?: string;
  /** null: no Origin header. */
  origin?: string | null;
  /** null: no Content-Type header. */
  contentType?: string | null;
}

function send(call: Call): Promise<Response> {
  const headers: Record<string, string> = {};
  if (call.origin !== null) headers.origin = call.origin ?? ORIGIN;
  const hasBody = call.method !== "GET";
  if (hasBody && call.contentType !== null) headers["content-type"] = call.contentType ?? "application/json";
  if (call.cookie) headers.cookie = call.cookie;
  return fetch(ORIGIN + call.path, { method: call.method, headers, body: hasBody ? (call.body ?? "{}") : undefined, redirect: "manual" });
}

/** The cookies an answer sets, as a Cookie header adds them to `cookie`. */
function withSetCookies(cookie: string, res: Response): string {
  const jar = new Map(cookie.split("; ").filter(Boolean).map((c) => [c.split("=")[0], c] as const));
  for (const set of res.headers.getSetCookie()) {
    const pair = set.split(";")[0] ?? "";
    jar.set(pair.split("=")[0] ?? "", pair);
  }
  return [...jar.values()].join("; ");
}

async function okJson<T>(call: Call): Promise<{ json: T; res: Response }> {
  const res = await send(call);
  const text = await res.text();
  expect(res.status, `${call.method} ${call.path}: ${text.slice(0, 300)}`).toBe(200);
  return { json: JSON.parse(text) as T, res };
}

/** The answer must be a 4xx JSON error with a known code whose status it carries. */
async function expectRefusal(res: Response, label: string): Promise<ErrorCode> {
  const text = await res.text();
  const where = `${label} -> ${res.status} ${text.slice(0, 300)}`;
  expect(res.status, where).toBeGreaterThanOrEqual(400);
  expect(res.status, where).toBeLessThan(500);
  expect(res.headers.get("content-type") ?? "", where).toMatch(/^application\/json/);
  const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
  expect(body, where).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
  const code = body.error!.code as ErrorCode;
  expect(KNOWN_CODES.has(code), where).toBe(true);
  expect(ERROR_STATUS[code], where).toBe(res.status);
  return code;
}

function describeCall(call: Call): string {
  const body = call.body === undefined ? "" : ` body(${call.body.length})=${call.body.slice(0, 120)}`;
  return `${call.method} ${call.path.slice(0, 160)} origin=${call.origin} type=${call.contentType}${body}`;
}

// ---------------------------------------------------------------------------------------------
// The database before and after: strictly unchanged, except the expected classes of change
// ---------------------------------------------------------------------------------------------

/**
 * The only changes a refused request may make. Anything else, in any table, fails the test.
 * - Always: UserSession.lastSeenAt, which every signed-in request may move forward (at most once a
 *   minute, src/server/sessions/user-sessions.ts).
 * - `audit`: new AuditEvent rows of these "type/outcome" kinds, at most `max` of them (a failed
 *   WebAuthn verify records one failure; a wrong TAP or password records its failure and, when it
 *   locks the account, the lock as "signin.locked/success"). Existing audit rows must stay.
 * - `challenge`: this one challenge may disappear (a verify that read it from clientDataJSON
 *   consumes it before verifying, so a response can be tried only once). Every other challenge
 *   row must stay.
 * - `throttle`: SignInThrottle rows may change (a wrong TAP or password counts a failure).
 */
interface Allowed {
  audit?: { kinds: string[]; max: number };
  challenge?: string;
  throttle?: boolean;
}

const ALLOWED = {
  none: {},
  registrationVerify: (challenge: string): Allowed => ({ audit: { kinds: ["passkey.registration/failure"], max: 1 }, challenge }),
  authenticationVerify: (challenge: string): Allowed => ({
    audit: { kinds: ["passkey.authentication/failure", "passkey.counter_regression/failure"], max: 1 },
    challenge,
  }),
  wrongSignIn: {
    audit: { kinds: ["tap.signin/failure", "password.signin/failure", "signin.locked/success"], max: 2 },
    throttle: true,
  } as Allowed,
};

type Snapshot = { lastAuditId: string; options: FingerprintOptions; fingerprint: Awaited<ReturnType<typeof dbFingerprint>> };

/**
 * After a request that had to change nothing, the fingerprint just taken is also the next
 * request's "before" (nothing runs in between): reusing it halves the reads. Cleared by
 * `freshProperty` and after any request that was allowed a change.
 */
let unchangedSince: Snapshot | null = null;

function freshProperty() {
  unchangedSince = null;
}

const isStrict = (allowed: Allowed) => !allowed.audit && !allowed.challenge && !allowed.throttle;

async function snapshot(allowed: Allowed): Promise<Snapshot> {
  if (isStrict(allowed) && unchangedSince) return unchangedSince;
  const [row] = await getDb().$queryRawUnsafe<Array<{ max: string | null }>>(`SELECT max(id)::text AS max FROM "AuditEvent"`);
  const lastAuditId = row?.max ?? "0";
  const where: Record<string, string> = {};
  if (allowed.audit) where.AuditEvent = `t.id <= ${BigInt(lastAuditId)}`;
  if (allowed.challenge) where.Challenge = `t.value <> '${allowed.challenge.replaceAll("'", "''")}'`;
  if (allowed.throttle) where.SignInThrottle = "false";
  const options: FingerprintOptions = { omitColumns: { UserSession: ["lastSeenAt"] }, where };
  return { lastAuditId, options, fingerprint: await dbFingerprint(options) };
}

async function expectUnchanged(before: Snapshot, allowed: Allowed, label: string) {
  unchangedSince = null;
  const after = await dbFingerprint(before.options);
  expect(after, `database changed by ${label}`).toEqual(before.fingerprint);
  if (isStrict(allowed)) unchangedSince = { ...before, fingerprint: after };
  if (!allowed.audit) return;
  const added = await getDb().auditEvent.findMany({ where: { id: { gt: BigInt(before.lastAuditId) } }, select: { type: true, outcome: true } });
  expect(added.length, `audit events of ${label}: ${JSON.stringify(added)}`).toBeLessThanOrEqual(allowed.audit.max);
  for (const event of added) expect(allowed.audit.kinds, `audit event of ${label}`).toContain(`${event.type}/${event.outcome}`);
}

/** Sends `call`, expects a refusal and the database as it was (but for `allowed`). */
async function refusedWithoutChange(call: Call, allowed: Allowed = ALLOWED.none): Promise<ErrorCode> {
  const label = describeCall(call);
  const before = await snapshot(allowed);
  const code = await expectRefusal(await send(call), label);
  await expectUnchanged(before, allowed, label);
  return code;
}

// ---------------------------------------------------------------------------------------------
// Hostile input
// ---------------------------------------------------------------------------------------------

/**
 * Characters that break naive handling: NUL (PostgreSQL cannot store it), C0 and C1 controls, bidi
 * overrides and isolates (text that displays as something else), a line separator, a lone
 * surrogate, combining marks (alone and in sequences NFC composes), astral and ZWJ emoji (two or
 * more UTF-16 units each), LIKE wildcards, quotes and markup.
 */
const weirdChar = fc.constantFrom(
  "a", "é", "\u0000", "\u001b", "\u0085", "\u009b", "\u202e", "\u2066", "\u2069", "\u2028", "\ufeff", "\ud800",
  "e\u0301", "\u0301", "😀", "👩‍👩‍👧", "%", "_", "\\", '"', "<", " ",
);
/** Short text mixing those characters with letters: names, searches, ids and emails an attacker would try. */
const hostileText = fc.array(fc.oneof(weirdChar, fc.constantFrom("a", "b", "@", ".")), { minLength: 1, maxLength: 12 }).map((chars) => chars.join(""));
/** Long strings: some past the 16 KiB field caps, a few past the 64 KiB body cap. */
const hugeString = fc.tuple(weirdChar, fc.integer({ min: 200, max: 40_000 })).map(([c, n]) => c.repeat(n));
const wrongValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -0, "", " ", [], {}, "null", "undefined", "NaN", "[object Object]"),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  hostileText,
  hugeString,
);

function nested(depth: number, kind: "array" | "object"): string {
  return kind === "array" ? "[".repeat(depth) + "]".repeat(depth) : '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
}

/** Raw request bodies of every hostile kind, around a sample of a valid body with these `fields`. */
function hostileBodies(sample: Record<string, unknown>): fc.Arbitrary<string> {
  const fields = Object.keys(sample).length > 0 ? Object.keys(sample) : ["a"];
  const field = fc.constantFrom(...fields, "__proto__", "constructor", "extra");
  const valid = JSON.stringify(sample);
  return fc.oneof(
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.tuple(field, wrongValue).map(([key, value]) => JSON.stringify({ ...sample, [key]: value })),
    fc.dictionary(field, wrongValue, { maxKeys: 4 }).map((v) => JSON.stringify(v)),
    fc.tuple(fc.integer({ min: 50, max: 30_000 }), fc.constantFrom("array" as const, "object" as const)).map(([d, k]) => nested(d, k)),
    fc.tuple(fc.constantFrom(...fields), fc.integer({ min: 50, max: 5000 })).map(([key, d]) => `{"${key}":${nested(d, "object")}}`),
    fc.integer({ min: 1, max: Math.max(1, valid.length - 1) }).map((n) => valid.slice(0, n)),
    fc.constantFrom("{", "}", "[1,]", "{'a':1}", "undefined", "NaN", '{"a":1}{"b":2}', "\u0000", "{\"a\":\"\\ud800\"}", "\ufeff{}"),
    fc.string({ unit: "binary", maxLength: 64 }),
    fc.integer({ min: MAX_BODY_BYTES + 1, max: MAX_BODY_BYTES * 3 }).map((n) => JSON.stringify({ ...sample, [fields[0] ?? "x"]: "x".repeat(n) })),
  );
}

/** Whether the route's contract would take this body (the server reads "" as {}). */
function accepts(schema: z.ZodType, body: string): boolean {
  try {
    return schema.safeParse(body.trim() === "" ? {} : JSON.parse(body)).success;
  } catch {
    return false;
  }
}

/** Bodies the route's contract refuses. */
function refusedBodies(schema: z.ZodType, sample: Record<string, unknown>) {
  return hostileBodies(sample).filter((body) => !accepts(schema, body));
}

/** Origin headers of other sites (or none): the cross-site check must refuse them. */
const foreignOrigin: fc.Arbitrary<string | null> = fc.oneof(
  fc.constant(null),
  fc.webUrl({ withQueryParameters: false, withFragments: false }).map((u) => new URL(u).origin),
  fc.constantFrom("null", "", `${ORIGIN}.evil.example`, `http://localhost:${E2E.port + 1}`, `https://localhost:${E2E.port}`, ORIGIN.toUpperCase(), `${ORIGIN}/`),
);

/** Content types other than JSON (or none): a plain form must not reach a state-changing route. */
const notJsonType: fc.Arbitrary<string | null> = fc
  .oneof(
    fc.constant(null),
    fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonp", "application/json-patch+json", "text/json", "application/xml", ""),
    fc.stringMatching(/^[a-z0-9.+/;= -]{0,40}$/),
  )
  .filter((type) => type === null || !/^application\/json\s*(;|$)/i.test(type));

/** Path ids that name nothing this caller may touch. */
function foreignIds(...others: string[]): fc.Arbitrary<string> {
  return fc
    .oneof(
      fc.uuid(),
      fc.constantFrom(...others),
      fc.string({ unit: "grapheme", minLength: 1, maxLength: 60 }),
      hostileText,
      fc.integer({ min: 300, max: 3000 }).map((n) => "a".repeat(n)),
      fc.constantFrom("0", "-1", "null", "undefined", "' OR 1=1 --", "%00", "00000000-0000-0000-0000-000000000000", randomUUID().toUpperCase()),
    )
    // A path segment is UTF-8: a lone surrogate cannot be percent-encoded (it reaches the server in bodies and queries).
    .filter((id) => id.trim() !== "" && id !== "." && id !== ".." && !/[/\\]/.test(id) && encodable(id));
}

const seg = (id: string) => encodeURIComponent(id);

function encodable(id: string): boolean {
  try {
    encodeURIComponent(id);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Who calls: sessions of each kind, signed in over the API with a Temporary Access Pass
// ---------------------------------------------------------------------------------------------

interface Actor {
  id: string;
  email: string;
  /** Cookie header of a fresh multifactor session. */
  cookie: string;
}

const created: string[] = [];

async function signIn(user: { id: string; email: string; tapCode: string }): Promise<Actor> {
  const res = await send({ method: "POST", path: "/api/auth/tap", body: JSON.stringify({ email: user.email, code: user.tapCode }) });
  expect(res.status, await res.clone().text()).toBe(200);
  return { id: user.id, email: user.email, cookie: withSetCookies("", res) };
}

async function newUser(prefix: string) {
  const user = await createUser({ email: uniqueEmail(prefix), displayName: "Fuzz User" });
  created.push(user.id);
  const tap = await issueTemporaryAccessPass({ userId: user.id, ctx: { ip: null, userAgent: "e2e-fixture" } });
  await getDb().user.update({ where: { id: user.id }, data: { campaignSnoozedUntil: new Date(Date.now() + 365 * 86_400_000) } });
  return { id: user.id, email: user.email, tapCode: tap.code };
}

/** Session cookies that must not pass: garbage, tampered, sealed with another key, for a revoked session. */
async function forgedCookies(actor: Actor): Promise<fc.Arbitrary<string>> {
  const real = actor.cookie.split("; ").find((c) => c.startsWith(`${E2E.sessionCookie}=`))!.slice(E2E.sessionCookie.length + 1);
  const data = { sessionId: randomUUID(), userId: actor.id, methods: ["tap"], mfa: true, authTime: Date.now() };
  const otherKey = await sealData(data, { password: "another-secret-0123456789abcdefghijklmn", ttl: SESSION_TTL_SECONDS });
  const revoked = await sealData(data, { password: E2E.sessionSecret, ttl: SESSION_TTL_SECONDS });
  return fc
    .oneof(
      fc.constantFrom(otherKey, revoked, "", "Fe26.2*1*", real.slice(0, -5)),
      fc.stringMatching(/^[A-Za-z0-9*_~-]{1,300}$/),
      fc.tuple(fc.nat({ max: real.length - 1 }), fc.constantFrom("A", "b", "*", "~")).map(([i, c]) => real.slice(0, i) + c + real.slice(i + 1)),
    )
    .filter((value) => value !== real)
    .map((value) => `${E2E.sessionCookie}=${value}`);
}

// ---------------------------------------------------------------------------------------------
// WebAuthn responses: valid ones from the software authenticator, then broken one way
// ---------------------------------------------------------------------------------------------

/** Base64url with a character base64url does not have, somewhere. */
const badBase64url = fc.tuple(fc.nat(), fc.constantFrom("+", "/", "=", ".", "!", " ", "é", "\n", "%")).map(
  ([at, c]) =>
    (value: string) => {
      const i = at % (value.length + 1);
      return value.slice(0, i) + c + value.slice(i);
    },
);

interface AuthData {
  rpIdHash: Uint8Array;
  flags: number;
  counter: Uint8Array;
  aaguid: Uint8Array;
  credentialId: Uint8Array;
  publicKey: Uint8Array;
}

function splitAuthData(bytes: Uint8Array): AuthData {
  const length = (bytes[53]! << 8) | bytes[54]!;
  return {
    rpIdHash: bytes.slice(0, 32),
    flags: bytes[32]!,
    counter: bytes.slice(33, 37),
    aaguid: bytes.slice(37, 53),
    credentialId: bytes.slice(55, 55 + length),
    publicKey: bytes.slice(55 + length),
  };
}

function joinAuthData(a: AuthData): Uint8Array<ArrayBuffer> {
  const length = Uint8Array.of(a.credentialId.length >> 8, a.credentialId.length & 0xff);
  return new Uint8Array(Buffer.concat([a.rpIdHash, Uint8Array.of(a.flags), a.counter, a.aaguid, length, a.credentialId, a.publicKey]));
}

function attestationObject(authData: Uint8Array, fmt = "none", attStmt = new Map<string, CborValue>()): string {
  return toBase64url(cborEncode(new Map<string, CborValue>([["fmt", fmt], ["attStmt", attStmt], ["authData", authData]])));
}

function withAuthData(r: RegistrationJSON, authData: Uint8Array): RegistrationJSON {
  return { ...r, response: { ...r.response, attestationObject: attestationObject(authData), authenticatorData: toBase64url(authData) } };
}

/** A COSE_Key from int labels. */
const coseKey = (entries: Array<[number, CborValue]>) => cborEncode(new Map<number, CborValue>(entries));
const bytes = (n: number) => new Uint8Array(randomBytes(n));

/** COSE keys whose key type, curve or size does not fit their algorithm (or with no algorithm). */
const mismatchedKeys: Array<[string, () => Uint8Array]> = [
  ["ES256 alg on an RSA key", () => coseKey([[1, 3], [3, -7], [-1, bytes(256)], [-2, Uint8Array.of(1, 0, 1)]])],
  ["ES256 alg on an OKP key", () => coseKey([[1, 1], [3, -7], [-1, 6], [-2, bytes(32)]])],
  ["ES256 alg on a P-384 key", () => coseKey([[1, 2], [3, -7], [-1, 2], [-2, bytes(48)], [-3, bytes(48)]])],
  ["ES256 alg on an X25519 curve", () => coseKey([[1, 2], [3, -7], [-1, 4], [-2, bytes(32)], [-3, bytes(32)]])],
  ["EdDSA alg on a P-256 key", () => coseKey([[1, 2], [3, -8], [-1, 1], [-2, bytes(32)], [-3, bytes(32)]])],
  ["RS256 alg on a P-256 key", () => coseKey([[1, 2], [3, -257], [-1, 1], [-2, bytes(32)], [-3, bytes(32)]])],
  ["EdDSA alg on an Ed448 curve", () => coseKey([[1, 1], [3, -8], [-1, 7], [-2, bytes(57)]])],
  ["ES256 with a short x", () => coseKey([[1, 2], [3, -7], [-1, 1], [-2, bytes(5)], [-3, bytes(32)]])],
  ["ES256 without y", () => coseKey([[1, 2], [3, -7], [-1, 1], [-2, bytes(32)]])],
  ["no alg", () => coseKey([[1, 2], [-1, 1], [-2, bytes(32)], [-3, bytes(32)]])],
  ["an alg nobody asked for", () => coseKey([[1, 2], [3, -36], [-1, 1], [-2, bytes(32)], [-3, bytes(32)]])],
  ["not a map", () => cborEncode([1, 2, 3])],
];

type Mutation<T> = { name: string; apply: (value: T) => T };

function registrationMutations(): fc.Arbitrary<Mutation<RegistrationJSON>> {
  const field = fc.constantFrom("id", "rawId", "clientDataJSON", "attestationObject", "authenticatorData", "publicKey");
  const clientData = (r: RegistrationJSON) => JSON.parse(Buffer.from(r.response.clientDataJSON, "base64url").toString()) as Record<string, unknown>;
  const withClientData = (r: RegistrationJSON, data: unknown): RegistrationJSON => ({
    ...r,
    response: { ...r.response, clientDataJSON: Buffer.from(typeof data === "string" ? data : JSON.stringify(data)).toString("base64url") },
  });
  const authData = (r: RegistrationJSON) => splitAuthData(fromBase64url(r.response.authenticatorData!));
  return fc.oneof(
    fc.tuple(field, badBase64url).map(([f, bad]) => ({
      name: `invalid base64url in ${f}`,
      apply: (r: RegistrationJSON) =>
        f === "id" || f === "rawId" ? { ...r, [f]: bad(r[f]) } : { ...r, response: { ...r.response, [f]: bad(String(r.response[f as keyof typeof r.response])) } },
    })),
    fc.double({ min: 0, max: 0.999, noNaN: true }).map((cut) => ({
      name: `attestationObject truncated at ${cut.toFixed(3)}`,
      apply: (r: RegistrationJSON) => {
        const all = fromBase64url(r.response.attestationObject);
        return { ...r, response: { ...r.response, attestationObject: toBase64url(all.slice(0, Math.floor(all.length * cut))) } };
      },
    })),
    fc.double({ min: 0, max: 0.999, noNaN: true }).map((cut) => ({
      name: `authenticatorData truncated at ${cut.toFixed(3)} inside valid CBOR`,
      apply: (r: RegistrationJSON) => {
        const all = joinAuthData(authData(r));
        return withAuthData(r, all.slice(0, Math.floor(all.length * cut)));
      },
    })),
    fc.constantFrom(...mismatchedKeys).map(([what, key]) => ({
      name: `COSE key: ${what}`,
      apply: (r: RegistrationJSON) => withAuthData(r, joinAuthData({ ...authData(r), publicKey: key() })),
    })),
    fc.constantFrom(
      { name: "id differs from rawId", apply: (r: RegistrationJSON) => ({ ...r, id: toBase64url(bytes(16)) }) },
      { name: "id and rawId differ from the attested credential id", apply: (r: RegistrationJSON) => ({ ...r, ...sameIds(toBase64url(bytes(16))) }) },
      { name: "id and rawId are a prefix of the attested credential id", apply: (r: RegistrationJSON) => ({ ...r, ...sameIds(r.id.slice(0, 10)) }) },
      { name: "clientData type webauthn.get", apply: (r: RegistrationJSON) => withClientData(r, { ...clientData(r), type: "webauthn.get" }) },
      { name: "clientData of another origin", apply: (r: RegistrationJSON) => withClientData(r, { ...clientData(r), origin: "https://evil.example" }) },
      { name: "clientData of an unknown challenge", apply: (r: RegistrationJSON) => withClientData(r, { ...clientData(r), challenge: toBase64url(bytes(32)) }) },
      { name: "clientData is not JSON", apply: (r: RegistrationJSON) => withClientData(r, "not json at all") },
      { name: "clientData challenge is a number", apply: (r: RegistrationJSON) => withClientData(r, { ...clientData(r), challenge: 5 }) },
      { name: "clientDataJSON over the field cap", apply: (r: RegistrationJSON) => withClientData(r, { ...clientData(r), pad: "x".repeat(20_000) }) },
      { name: "huge clientDataJSON of another origin", apply: (r: RegistrationJSON) => withClientData(r, { ...clientData(r), origin: "o".repeat(11_000) }) },
      { name: "user not present", apply: (r: RegistrationJSON) => withAuthData(r, joinAuthData({ ...authData(r), flags: authData(r).flags & ~0x01 })) },
      { name: "no attested credential flag", apply: (r: RegistrationJSON) => withAuthData(r, joinAuthData({ ...authData(r), flags: authData(r).flags & ~0x40 })) },
      { name: "extension flag without extensions", apply: (r: RegistrationJSON) => withAuthData(r, joinAuthData({ ...authData(r), flags: authData(r).flags | 0x80 })) },
      { name: "another RP ID hash", apply: (r: RegistrationJSON) => withAuthData(r, joinAuthData({ ...authData(r), rpIdHash: bytes(32) })) },
      { name: "trailing bytes after the key", apply: (r: RegistrationJSON) => withAuthData(r, Buffer.concat([joinAuthData(authData(r)), bytes(7)])) },
      { name: "empty credential id", apply: (r: RegistrationJSON) => withAuthData(r, joinAuthData({ ...authData(r), credentialId: new Uint8Array(0) })) },
      {
        name: "credential id length past the end",
        apply: (r: RegistrationJSON) => {
          const all = joinAuthData(authData(r));
          all[53] = 0xff;
          return withAuthData(r, all);
        },
      },
      {
        name: "unknown attestation format",
        apply: (r: RegistrationJSON) => ({ ...r, response: { ...r.response, attestationObject: attestationObject(fromBase64url(r.response.authenticatorData!), "x-unknown") } }),
      },
      {
        name: "packed attestation without a signature",
        apply: (r: RegistrationJSON) => ({ ...r, response: { ...r.response, attestationObject: attestationObject(fromBase64url(r.response.authenticatorData!), "packed") } }),
      },
      {
        name: "none attestation with a statement",
        apply: (r: RegistrationJSON) => ({
          ...r,
          response: { ...r.response, attestationObject: attestationObject(fromBase64url(r.response.authenticatorData!), "none", new Map([["sig", bytes(8)]])) },
        }),
      },
      { name: "attestationObject is a CBOR array", apply: (r: RegistrationJSON) => ({ ...r, response: { ...r.response, attestationObject: toBase64url(cborEncode([1, "fmt"])) } }) },
      { name: "attestationObject is a CBOR text", apply: (r: RegistrationJSON) => ({ ...r, response: { ...r.response, attestationObject: toBase64url(cborEncode("none")) } }) },
    ),
  );
}

function sameIds(id: string) {
  return { id, rawId: id };
}

function authenticationMutations(otherCredentialId: string): fc.Arbitrary<{ name: string; overrides?: object; apply?: (a: AuthenticationJSON) => AuthenticationJSON }> {
  const field = fc.constantFrom("id", "rawId", "clientDataJSON", "authenticatorData", "signature", "userHandle");
  return fc.oneof(
    fc.tuple(field, badBase64url).map(([f, bad]) => ({
      name: `invalid base64url in ${f}`,
      apply: (a: AuthenticationJSON) =>
        f === "id" || f === "rawId" ? { ...a, [f]: bad(a[f]) } : { ...a, response: { ...a.response, [f]: bad(String(a.response[f as keyof typeof a.response] ?? "")) } },
    })),
    fc.tuple(fc.constantFrom("authenticatorData" as const, "signature" as const, "clientDataJSON" as const), fc.double({ min: 0.01, max: 0.999, noNaN: true })).map(([f, cut]) => ({
      name: `${f} truncated at ${cut.toFixed(3)}`,
      apply: (a: AuthenticationJSON) => {
        const all = fromBase64url(a.response[f]);
        return { ...a, response: { ...a.response, [f]: toBase64url(all.slice(0, Math.max(1, Math.floor(all.length * cut)))) } };
      },
    })),
    fc.nat({ max: 70 }).map((at) => ({
      name: `signature bit ${at} flipped`,
      apply: (a: AuthenticationJSON) => {
        const sig = fromBase64url(a.response.signature);
        sig[at % sig.length]! ^= 1 << at % 8;
        return { ...a, response: { ...a.response, signature: toBase64url(sig) } };
      },
    })),
    fc.constantFrom(
      { name: "id differs from rawId", apply: (a: AuthenticationJSON) => ({ ...a, id: toBase64url(bytes(16)) }) },
      { name: "an unknown credential id", apply: (a: AuthenticationJSON) => ({ ...a, ...sameIds(toBase64url(bytes(16))) }) },
      { name: "another user's credential id", apply: (a: AuthenticationJSON) => ({ ...a, ...sameIds(otherCredentialId) }) },
      { name: "another user handle", apply: (a: AuthenticationJSON) => ({ ...a, response: { ...a.response, userHandle: toBase64url(bytes(32)) } }) },
      { name: "no user handle (usernameless)", apply: (a: AuthenticationJSON) => ({ ...a, response: { ...a.response, userHandle: undefined } }) },
      { name: "clientDataJSON over the field cap", apply: (a: AuthenticationJSON) => ({ ...a, response: { ...a.response, clientDataJSON: toBase64url(bytes(13_000)) } }) },
      { name: "clientData is not JSON", apply: (a: AuthenticationJSON) => ({ ...a, response: { ...a.response, clientDataJSON: toBase64url(Buffer.from("{not json")) } }) },
      { name: "signed by another key", overrides: { signWithOtherKey: true } },
      { name: "user not present", overrides: { userPresent: false } },
      { name: "another RP ID", overrides: { rpId: "evil.example" } },
      { name: "another origin", overrides: { origin: "https://evil.example" } },
      { name: "type webauthn.create", overrides: { type: "webauthn.create" } },
      { name: "an unknown challenge", overrides: { challenge: toBase64url(bytes(32)) } },
      { name: "counter regressed to zero after use", overrides: { counter: 0 } },
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// The routes
// ---------------------------------------------------------------------------------------------

let user: Actor;
let admin: Actor;
/** Someone else, with a passkey: the ids of other accounts. */
let victim: { id: string; passkeyId: string; credentialId: string };
/** Holds a registered passkey; tampered sign-ins are made with it. */
let signer: { authenticator: SoftAuthenticator; userId: string };

test.beforeAll(async () => {
  user = await signIn(await newUser("fuzz-user"));
  const adminTap = await createAdminWithTap(uniqueEmail("fuzz-admin"));
  created.push(adminTap.id);
  admin = await signIn(adminTap);
  const victimUser = await newUser("fuzz-victim");
  const passkey = await storePasskey(victimUser.id);
  victim = { id: victimUser.id, passkeyId: passkey.id, credentialId: passkey.credentialId };

  // A passkey registered through the real ceremony, and one real sign-in with it: the tampered
  // versions below differ from a response the server accepts in one way only.
  const owner = await signIn(await newUser("fuzz-signer"));
  const authenticator = new SoftAuthenticator();
  const options = await okJson<CreationOptions>({ method: "POST", path: "/api/webauthn/registration/options", cookie: owner.cookie });
  const cookie = withSetCookies(owner.cookie, options.res);
  const response = authenticator.createCredential({ options: options.json, origin: ORIGIN });
  await okJson({ method: "POST", path: "/api/webauthn/registration/verify", cookie, body: JSON.stringify({ response }) });
  signer = { authenticator, userId: owner.id };
  const { json, cookie: binding } = await authenticationOptions();
  const assertion = authenticator.getAssertion({ options: json, origin: ORIGIN });
  await okJson({ method: "POST", path: "/api/webauthn/authentication/verify", cookie: binding, body: JSON.stringify({ response: assertion }) });
});

test.afterAll(async () => {
  for (const id of created) await deleteUserById(id);
});

async function authenticationOptions() {
  const { json, res } = await okJson<RequestOptions>({ method: "POST", path: "/api/webauthn/authentication/options" });
  return { json, cookie: withSetCookies("", res) };
}

type SessionKind = "none" | "user" | "admin";

function cookieOf(kind: SessionKind): string | undefined {
  return kind === "user" ? user.cookie : kind === "admin" ? admin.cookie : undefined;
}

/**
 * A state-changing route: hostile bodies its contract refuses, a valid body from another site or
 * not as JSON, and (when it needs one) a forged session. Extra arms add route-specific cases.
 */
async function checkChangingRoute(spec: {
  method: string;
  path: string;
  session: SessionKind;
  schema?: z.ZodType;
  sample?: Record<string, unknown>;
  extra?: Array<fc.Arbitrary<{ call: Call; allowed?: Allowed }>>;
}) {
  const cookie = cookieOf(spec.session);
  const base: Call = { method: spec.method, path: spec.path, cookie, body: JSON.stringify(spec.sample ?? {}) };
  const arms: Array<fc.Arbitrary<{ call: Call; allowed?: Allowed }>> = [
    foreignOrigin.map((origin) => ({ call: { ...base, origin } })),
    notJsonType.map((contentType) => ({ call: { ...base, contentType } })),
    ...(spec.extra ?? []),
  ];
  if (spec.schema) arms.push(refusedBodies(spec.schema, spec.sample ?? {}).map((body) => ({ call: { ...base, body } })));
  if (spec.session !== "none") {
    const actor = spec.session === "admin" ? admin : user;
    arms.push((await forgedCookies(actor)).map((forged) => ({ call: { ...base, cookie: forged } })));
    // An administrator route for someone who is signed in but not an administrator.
    if (spec.session === "admin") arms.push(fc.constant({ call: { ...base, cookie: user.cookie } }));
  }
  await fc.assert(
    fc.asyncProperty(fc.oneof(...arms), async ({ call, allowed }) => {
      await refusedWithoutChange(call, allowed);
    }),
    runParams(),
  );
}

/** Query strings with known and unknown keys and hostile values, kept under the header size limit. */
function hostileQueries(keys: string[]): fc.Arbitrary<URLSearchParams> {
  const value = fc.oneof(
    fc.string({ unit: "grapheme", maxLength: 40 }),
    hostileText,
    fc.integer({ min: 255, max: 2000 }).map((n) => "x".repeat(n)),
    fc.constantFrom("2024-13-45", "2031-02-30", "0000-00-00", "9999-12-31", "-1", "NaN", "null", "[]", "older", "any", "yes", "%00", "2024-01-01T00:00:00Z"),
    fc.stringMatching(/^[A-Za-z0-9_-]{1,600}$/),
    fc.uuid(),
  );
  const key = fc.oneof(fc.constantFrom(...keys), fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }));
  return fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 5 }).map((pairs) => new URLSearchParams(pairs));
}

/**
 * A read-only route: queries its contract refuses must get a 4xx; queries it takes (bogus cursors,
 * searches for nothing) may answer 200 but never 5xx; nothing changes either way.
 */
async function checkQueryRoute(spec: { path: string; keys: string[]; accepts: (q: URLSearchParams) => boolean }) {
  const forged = await forgedCookies(admin);
  const arms = fc.oneof(
    hostileQueries(spec.keys).map((query) => ({ query, cookie: admin.cookie })),
    fc.tuple(hostileQueries(spec.keys), forged).map(([query, cookie]) => ({ query, cookie })),
    hostileQueries(spec.keys).map((query) => ({ query, cookie: user.cookie })),
  );
  await fc.assert(
    fc.asyncProperty(arms, async ({ query, cookie }) => {
      const call: Call = { method: "GET", path: `${spec.path}?${query.toString()}`, cookie };
      const label = describeCall(call);
      if (cookie === admin.cookie && spec.accepts(query)) {
        const before = await snapshot(ALLOWED.none);
        const res = await send(call);
        expect(res.status, label).toBeLessThan(500);
        if (res.status >= 400) await expectRefusal(res, label);
        else await res.arrayBuffer();
        await expectUnchanged(before, ALLOWED.none, label);
      } else {
        await refusedWithoutChange(call);
      }
    }),
    runParams(),
  );
}

function parses(schema: z.ZodType, read: (q: URLSearchParams) => unknown) {
  return (q: URLSearchParams) => schema.safeParse(read(q)).success;
}

/** A route that reads no input: hostile query strings are ignored (same answer), forged sessions refused. */
async function checkInputlessGet(path: string, session: SessionKind) {
  const cookie = cookieOf(session);
  const baseline = await okJson<unknown>({ method: "GET", path, cookie });
  const arms: Array<fc.Arbitrary<{ query: URLSearchParams; cookie?: string }>> = [hostileQueries(["x", "id", "page"]).map((query) => ({ query, cookie }))];
  if (session !== "none") arms.push(fc.tuple(hostileQueries(["x"]), await forgedCookies(session === "admin" ? admin : user)).map(([query, forged]) => ({ query, cookie: forged })));
  await fc.assert(
    fc.asyncProperty(fc.oneof(...arms), async (input) => {
      const call: Call = { method: "GET", path: `${path}?${input.query.toString()}`, cookie: input.cookie };
      if (input.cookie !== cookie) return void (await refusedWithoutChange(call));
      const before = await snapshot(ALLOWED.none);
      const res = await send(call);
      expect(res.status, describeCall(call)).toBe(200);
      expect(await res.json()).toEqual(baseline.json);
      await expectUnchanged(before, ALLOWED.none, describeCall(call));
    }),
    runParams(),
  );
}

const covered = new Set<string>();

/** A test of one exported method of one route file ("POST /api/me/passkeys/[id]"). */
function routeTest(route: string, note: string, body: () => Promise<void>) {
  covered.add(route);
  test(note ? `${route} ${note}` : route, body);
}

test("every exported method of every route file has a property below", () => {
  const methods = /export\s+(?:const|async\s+function|function)\s+(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\b/g;
  const routes = readdirSync("src/app", { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith("route.ts"))
    .flatMap((file) => {
      const path = `/${dirname(file)}`.replaceAll("\\", "/");
      return [...readFileSync(join("src/app", file), "utf8").matchAll(methods)].map((m) => `${m[1]} ${path}`);
    });
  expect(routes.length).toBeGreaterThan(0);
  expect([...covered].sort()).toEqual([...new Set(routes)].sort());
});

// --- public -------------------------------------------------------------------------------------

routeTest("GET /.well-known/webauthn", "ignores any query and changes nothing", async () => {
  await checkInputlessGet("/.well-known/webauthn", "none");
});

// --- sign-in --------------------------------------------------------------------------------------

routeTest("POST /api/auth/identify", "", async () => {
  await checkChangingRoute({ method: "POST", path: "/api/auth/identify", session: "none", schema: IdentifyBody, sample: { email: "someone@example.test" } });
});

/** Well-formed sign-ins that are wrong: a known account with a wrong secret, or unknown accounts. */
function wrongSignIns(path: string, secretField: string, email: string) {
  const emails = fc.oneof(fc.constant(email), fc.constant(email.toUpperCase()), fc.emailAddress().filter((e) => e.length <= 254));
  const secrets = fc.oneof(fc.string({ minLength: 1, maxLength: 64 }), fc.stringMatching(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/));
  return fc.tuple(emails, secrets).map(([e, s]) => ({
    call: { method: "POST", path, body: JSON.stringify({ email: e, [secretField]: s }) } as Call,
    allowed: ALLOWED.wrongSignIn,
  }));
}

routeTest("POST /api/auth/tap", "", async () => {
  const target = await newUser("fuzz-tap-target");
  await checkChangingRoute({
    method: "POST",
    path: "/api/auth/tap",
    session: "none",
    schema: TapSignInBody,
    sample: { email: target.email, code: "ABCD-EFGH-JKLM" },
    extra: [wrongSignIns("/api/auth/tap", "code", target.email)],
  });
});

routeTest("POST /api/auth/password", "", async () => {
  const target = await newUser("fuzz-password-target");
  await givePassword(target.id);
  await checkChangingRoute({
    method: "POST",
    path: "/api/auth/password",
    session: "none",
    schema: PasswordSignInBody,
    sample: { email: target.email, password: "not the password" },
    extra: [wrongSignIns("/api/auth/password", "password", target.email)],
  });
});

routeTest("POST /api/auth/signout", "(reads no body: hostile origin and content type)", async () => {
  await checkChangingRoute({ method: "POST", path: "/api/auth/signout", session: "none" });
});

// --- the signed-in user's own methods -------------------------------------------------------------

routeTest("POST /api/me/authenticator-app", "", async () => {
  await checkChangingRoute({ method: "POST", path: "/api/me/authenticator-app", session: "user", schema: CampaignSkipBody, sample: {} });
});

routeTest("DELETE /api/me/authenticator-app", "", async () => {
  await checkChangingRoute({ method: "DELETE", path: "/api/me/authenticator-app", session: "user", schema: CampaignSkipBody, sample: {} });
});

routeTest("POST /api/me/authenticator-app/confirm", "", async () => {
  await checkChangingRoute({
    method: "POST",
    path: "/api/me/authenticator-app/confirm",
    session: "user",
    schema: ConfirmAuthenticatorAppBody,
    sample: { code: "123456" },
    // No setup is under way: any code is refused (AUTHENTICATOR_APP_NOT_FOUND).
    extra: [fc.string({ maxLength: 16 }).map((code) => ({ call: { method: "POST", path: "/api/me/authenticator-app/confirm", cookie: user.cookie, body: JSON.stringify({ code }) } }))],
  });
});

routeTest("POST /api/me/campaign/skip", "", async () => {
  await checkChangingRoute({ method: "POST", path: "/api/me/campaign/skip", session: "user", schema: CampaignSkipBody, sample: {} });
});

routeTest("PUT /api/me/default-sign-in-method", "", async () => {
  await checkChangingRoute({
    method: "PUT",
    path: "/api/me/default-sign-in-method",
    session: "user",
    schema: DefaultSignInMethodBody,
    sample: { method: "passkey" },
    // The user has neither a passkey nor password + app: choosing either is refused.
    extra: [fc.constantFrom("passkey", "password").map((method) => ({ call: { method: "PUT", path: "/api/me/default-sign-in-method", cookie: user.cookie, body: JSON.stringify({ method }) } }))],
  });
});

routeTest("GET /api/me/passkeys", "", async () => {
  await checkInputlessGet("/api/me/passkeys", "user");
});

function passkeyIdRoute(method: "PATCH" | "DELETE", schema: z.ZodType, sample: Record<string, unknown>) {
  const ids = foreignIds(victim.passkeyId, victim.id);
  return checkChangingRoute({
    method,
    path: `/api/me/passkeys/${randomUUID()}`,
    session: "user",
    schema,
    sample,
    // Any id, including another user's passkey, with a valid body: never found.
    extra: [
      ids.map((id) => ({ call: { method, path: `/api/me/passkeys/${seg(id)}`, cookie: user.cookie, body: JSON.stringify(sample) } })),
      fc.tuple(ids, hostileBodies(sample)).map(([id, body]) => ({ call: { method, path: `/api/me/passkeys/${seg(id)}`, cookie: user.cookie, body } })),
    ],
  });
}

routeTest("PATCH /api/me/passkeys/[id]", "", async () => {
  await passkeyIdRoute("PATCH", RenamePasskeyBody, { name: "Renamed" });
});

routeTest("DELETE /api/me/passkeys/[id]", "", async () => {
  await passkeyIdRoute("DELETE", DeletePasskeyBody, { confirmNoSignInMethod: true });
});

routeTest("PUT /api/me/password", "", async () => {
  await checkChangingRoute({ method: "PUT", path: "/api/me/password", session: "user", schema: SetPasswordBody, sample: { newPassword: "a long enough new password" } });
});

routeTest("POST /api/me/sessions/revoke", "(reads no body: hostile origin, content type and session)", async () => {
  await checkChangingRoute({ method: "POST", path: "/api/me/sessions/revoke", session: "user" });
});

// --- WebAuthn ceremonies --------------------------------------------------------------------------

routeTest("POST /api/webauthn/registration/options", "", async () => {
  await checkChangingRoute({
    method: "POST",
    path: "/api/webauthn/registration/options",
    session: "user",
    schema: RegistrationOptionsBody,
    sample: { authenticatorType: "securityKey" },
  });
});

routeTest("POST /api/webauthn/authentication/options", "", async () => {
  await checkChangingRoute({ method: "POST", path: "/api/webauthn/authentication/options", session: "none", schema: AuthenticationOptionsBody, sample: { email: "someone@example.test" } });
});

routeTest("POST /api/webauthn/registration/verify", "tampered responses are refused and nothing is stored", async () => {
  // Each run asks for options (20 a minute per account): a new registrant every 15 runs.
  let registrant: Actor | null = null;
  let used = 0;
  const registrantCookie = async () => {
    if (!registrant || used++ % 15 === 14) registrant = await signIn(await newUser("fuzz-registrant"));
    return registrant.cookie;
  };
  await fc.assert(
    fc.asyncProperty(registrationMutations(), async (mutation) => {
      const cookie = await registrantCookie();
      const options = await okJson<CreationOptions>({ method: "POST", path: "/api/webauthn/registration/options", cookie });
      const valid = new SoftAuthenticator().createCredential({ options: options.json, origin: ORIGIN });
      const call: Call = {
        method: "POST",
        path: "/api/webauthn/registration/verify",
        cookie: withSetCookies(cookie, options.res),
        body: JSON.stringify({ response: mutation.apply(valid) }),
      };
      await refusedWithoutChange({ ...call, body: call.body }, ALLOWED.registrationVerify(options.json.challenge)).catch((error: Error) => {
        throw new Error(`${mutation.name}: ${error.message}`);
      });
    }),
    runParams(Math.max(RUNS, 30)),
  );
  // And hostile bodies, other sites, forged sessions.
  await checkChangingRoute({
    method: "POST",
    path: "/api/webauthn/registration/verify",
    session: "user",
    schema: RegistrationVerifyBody,
    sample: { response: new SoftAuthenticator().createCredential({ options: fakeCreationOptions(), origin: ORIGIN }), name: "Mine" },
  });
});

routeTest("POST /api/webauthn/authentication/verify", "tampered assertions are refused and nothing changes", async () => {
  await fc.assert(
    fc.asyncProperty(authenticationMutations(victim.credentialId), async (mutation) => {
      const { json, cookie } = await authenticationOptions();
      const assertion = signer.authenticator.getAssertion({ options: json, origin: ORIGIN, overrides: mutation.overrides });
      const response = mutation.apply ? mutation.apply(assertion) : assertion;
      const call: Call = { method: "POST", path: "/api/webauthn/authentication/verify", cookie, body: JSON.stringify({ response }) };
      await refusedWithoutChange(call, ALLOWED.authenticationVerify(json.challenge)).catch((error: Error) => {
        throw new Error(`${mutation.name}: ${error.message}`);
      });
    }),
    runParams(Math.max(RUNS, 30)),
  );
  const { json } = await authenticationOptions();
  await checkChangingRoute({
    method: "POST",
    path: "/api/webauthn/authentication/verify",
    session: "none",
    schema: AuthenticationVerifyBody,
    sample: { response: signer.authenticator.getAssertion({ options: json, origin: ORIGIN }) },
  });
});

/** Options nobody issued, for bodies refused before their challenge is looked at. */
function fakeCreationOptions(): CreationOptions {
  return {
    challenge: toBase64url(bytes(32)),
    rp: { id: "localhost", name: "Security Info" },
    user: { id: toBase64url(bytes(32)), name: "nobody@example.test", displayName: "Nobody" },
    pubKeyCredParams: [{ alg: -7, type: "public-key" }],
  };
}

// --- administration -------------------------------------------------------------------------------

routeTest("GET /api/admin/audit", "", async () => {
  await checkQueryRoute({ path: "/api/admin/audit", keys: ["user", "type", "outcome", "from", "to", "cursor", "direction"], accepts: parses(AuditPageQuery, searchParamsObject) });
});

routeTest("GET /api/admin/audit/export", "", async () => {
  await checkQueryRoute({ path: "/api/admin/audit/export", keys: ["user", "type", "outcome", "from", "to"], accepts: parses(AuditFilterQuery, searchParamsObject) });
});

routeTest("GET /api/admin/reports/activity", "", async () => {
  await checkQueryRoute({ path: "/api/admin/reports/activity", keys: ["from", "to"], accepts: parses(ReportRangeQuery, reportParams) });
});

routeTest("GET /api/admin/reports/registrations", "", async () => {
  await checkQueryRoute({
    path: "/api/admin/reports/registrations",
    keys: ["q", "method", "passwordless", "mfa", "after", "before"],
    accepts: parses(RegistrationPageQuery, reportParams),
  });
});

routeTest("GET /api/admin/reports/registrations/export", "", async () => {
  await checkQueryRoute({ path: "/api/admin/reports/registrations/export", keys: ["q", "method", "passwordless", "mfa"], accepts: parses(RegistrationFilterQuery, reportParams) });
});

routeTest("GET /api/admin/users", "", async () => {
  await checkQueryRoute({ path: "/api/admin/users", keys: ["q", "filter", "after", "before"], accepts: parses(ListUsersQuery, (q) => Object.fromEntries(q)) });
});

routeTest("GET /api/admin/policy/users", "", async () => {
  await checkQueryRoute({ path: "/api/admin/policy/users", keys: ["email"], accepts: parses(PolicyUserSearchQuery, (q) => ({ email: q.get("email") ?? "" })) });
});

routeTest("GET /api/admin/policy", "", async () => {
  await checkInputlessGet("/api/admin/policy", "admin");
});

routeTest("PUT /api/admin/policy", "", async () => {
  const { json: current } = await okJson<{ version: number; policy: Record<string, unknown> }>({ method: "GET", path: "/api/admin/policy", cookie: admin.cookie });
  const sample = { version: current.version, policy: current.policy };
  await checkChangingRoute({
    method: "PUT",
    path: "/api/admin/policy",
    session: "admin",
    schema: UpdatePasskeyPolicyBody,
    sample,
    // The current policy under a version that is not the current one: POLICY_CONFLICT.
    extra: [
      fc.integer({ min: 1, max: 1_000_000 }).filter((v) => v !== current.version).map((version) => ({
        call: { method: "PUT", path: "/api/admin/policy", cookie: admin.cookie, body: JSON.stringify({ ...sample, version }) },
      })),
    ],
  });
});

routeTest("DELETE /api/admin/users/[id]/passkeys/[passkeyId]", "", async () => {
  const pairs = fc
    .tuple(foreignIds(victim.id, user.id, admin.id), foreignIds(victim.passkeyId))
    .filter(([userId, passkeyId]) => !(userId === victim.id && passkeyId === victim.passkeyId));
  await checkChangingRoute({
    method: "DELETE",
    path: `/api/admin/users/${randomUUID()}/passkeys/${randomUUID()}`,
    session: "admin",
    extra: [pairs.map(([u, p]) => ({ call: { method: "DELETE", path: `/api/admin/users/${seg(u)}/passkeys/${seg(p)}`, cookie: admin.cookie } }))],
  });
});

for (const action of ["require-reregistration", "sessions/revoke", "sign-in-lock/clear"]) {
  routeTest(`POST /api/admin/users/[id]/${action}`, "", async () => {
    await checkChangingRoute({
      method: "POST",
      path: `/api/admin/users/${victim.id}/${action}`,
      session: "admin",
      extra: [foreignIds(victim.passkeyId).map((id) => ({ call: { method: "POST", path: `/api/admin/users/${seg(id)}/${action}`, cookie: admin.cookie } }))],
    });
  });
}

routeTest("POST /api/admin/users/[id]/tap", "", async () => {
  const valid = { lifetimeMinutes: 60, oneTime: true };
  await checkChangingRoute({
    method: "POST",
    path: `/api/admin/users/${victim.id}/tap`,
    session: "admin",
    schema: IssueUserTapBody,
    sample: valid,
    extra: [foreignIds(victim.passkeyId).map((id) => ({ call: { method: "POST", path: `/api/admin/users/${seg(id)}/tap`, cookie: admin.cookie, body: JSON.stringify(valid) } }))],
  });
});
