// Shared helpers for the WebAuthn integration tests (not a test file itself).
import { expect } from "vitest";
import type { ErrorCode } from "@/contracts/errors";
import { getDb } from "@/server/db";
import { AppError } from "@/server/errors";
import { createRegistrationOptions } from "@/server/webauthn/create-registration-options";
import { verifyRegistration } from "@/server/webauthn/verify-registration";
import type { UserProfile } from "@/server/users";
import { newBinding, signedIn, testCtx } from "../fixtures/factories";
import { SoftAuthenticator } from "../fixtures/soft-authenticator";

// Same values as tests/integration/setup-env.ts (not imported: it is a setup file with side effects).
export const TEST_ORIGIN = "http://localhost:3000";
export const TEST_RP_ID = "localhost";

/** Awaits a promise that must reject with an AppError of `code`, and returns that error. */
export async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<AppError> {
  const outcome = await promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) throw new Error(`expected ${code}, but it resolved with ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(AppError);
  expect((outcome.error as AppError).code).toBe(code);
  return outcome.error as AppError;
}

/** The stored passkey row of a credential id, or null. */
export function passkeyRow(credentialId: string) {
  return getDb().passkey.findUnique({ where: { credentialId } });
}

export function passkeyCount(userId: string) {
  return getDb().passkey.count({ where: { userId } });
}

/** Audit events about a user (newest last), optionally of one type/outcome. */
export function auditEvents(subjectUserId: string, filter: { type?: string; outcome?: "success" | "failure" } = {}) {
  return getDb().auditEvent.findMany({
    where: { subjectUserId, ...filter },
    orderBy: { id: "asc" },
  });
}

/**
 * Asserts that the user has exactly one `type` audit event: a success the user did themselves from
 * testCtx (with these details, when given). Returns it for further checks.
 */
export async function expectOneSuccessAudit(userId: string, type: string, details?: Record<string, unknown>) {
  const events = await auditEvents(userId, { type });
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({
    outcome: "success",
    actorId: userId,
    subjectUserId: userId,
    ip: testCtx.ip,
    userAgent: testCtx.userAgent,
    ...(details && { details }),
  });
  return events[0]!;
}

/** Audit events that name a credential id in their details. */
export function auditEventsForCredential(credentialId: string, filter: { type?: string; outcome?: "success" | "failure" } = {}) {
  return getDb().auditEvent.findMany({
    where: { details: { path: ["credentialId"], equals: credentialId }, ...filter },
    orderBy: { id: "asc" },
  });
}

export function challengeRow(value: string) {
  return getDb().challenge.findUnique({ where: { value } });
}

/** Registers a passkey for `user` through the product's own functions and returns its credential id. */
export async function registerPasskey(
  user: UserProfile,
  authenticator = new SoftAuthenticator(),
  name?: string,
): Promise<{ credentialId: string; passkeyId: string; authenticator: SoftAuthenticator }> {
  const binding = newBinding();
  const session = signedIn(user);
  const options = await createRegistrationOptions({ user: session, binding });
  const response = authenticator.createCredential({ options, origin: TEST_ORIGIN });
  const summary = await verifyRegistration({ response, name, user: session, binding, ctx: testCtx });
  return { credentialId: response.id, passkeyId: summary.id, authenticator };
}

/** clientDataJSON exactly as browsers serialise it, base64url. */
export function clientDataJSON(type: string, challenge: string, origin = TEST_ORIGIN): string {
  return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }), "utf8").toString("base64url");
}
