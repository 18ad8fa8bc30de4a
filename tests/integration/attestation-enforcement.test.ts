// Enforced attestation against a loaded FIDO MDS3 blob, at registration and at sign-in, with the
// software authenticator's "none", self and full ("packed" with x5c) attestation; and the policy
// refusing to enforce while no blob is loaded.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { PasskeyPolicySettings } from "@/contracts/policy";
import { getDb } from "@/server/db";
import { getPasskeyPolicyForAdmin, updatePasskeyPolicy } from "@/server/policy/passkey-policy";
import { installMetadata } from "@/server/webauthn/metadata/install-metadata";
import { loadMdsBlob } from "@/server/webauthn/metadata/load-mds-blob";
import type { LoadedMetadata } from "@/server/webauthn/metadata/loaded-metadata";
import { createAuthenticationOptions } from "@/server/webauthn/create-authentication-options";
import { createRegistrationOptions } from "@/server/webauthn/create-registration-options";
import { verifyAuthentication } from "@/server/webauthn/verify-authentication";
import { verifyRegistration } from "@/server/webauthn/verify-registration";
import type { UserProfile } from "@/server/users";
import { restoreDefaultPasskeyPolicy, setPasskeyPolicy } from "../fixtures/admin-policy";
import { makeUser, newBinding, signedIn, testCtx } from "../fixtures/factories";
import {
  blobEntry,
  blobPayload,
  createAttestationCertificate,
  createMdsPki,
  createTestRoot,
  mdsFiles,
  metadataStatement,
  signMdsBlob,
  type TestCa,
} from "../fixtures/mds";
import { SoftAuthenticator, type SoftAuthenticatorOptions } from "../fixtures/soft-authenticator";
import { auditEventsForCredential, passkeyCount, passkeyRow, registerPasskey, rejectsWith, TEST_ORIGIN } from "./webauthn-helpers";

const LISTED = "2fc0579f-8113-47ea-b116-bb5a8db9202a";
const UNLISTED = "b93fd961-f2e6-462f-b122-82002247de78";
const COMPROMISED = "c5ef55ff-ad9a-4b9f-b580-adebafe026d0";

let attestationRoot: TestCa;
let metadata: LoadedMetadata;
const files = mdsFiles();

beforeAll(async () => {
  const pki = await createMdsPki();
  attestationRoot = await createTestRoot("CN=Test Attestation Root, O=Security Info Tests, C=GB");
  const blob = await signMdsBlob(
    pki.signer,
    blobPayload(
      [
        blobEntry(metadataStatement(LISTED, "Listed test key", [attestationRoot])),
        blobEntry(metadataStatement(COMPROMISED, "Compromised test key", [attestationRoot]), ["FIDO_CERTIFIED", "USER_KEY_PHYSICAL_COMPROMISE"]),
      ],
      { no: 314 },
    ),
  );
  ({ metadata } = await loadMdsBlob({
    blobPath: files.write("blob.jwt", blob),
    rootCertPath: files.write("root.pem", pki.root.pem),
    staleBlob: "refuse",
  }));
});

beforeEach(() => installMetadata(metadata));

afterEach(restoreDefaultPasskeyPolicy);

afterAll(async () => {
  await installMetadata(null);
  files.remove();
});

/** An authenticator with full attestation: a certificate for `aaguid` issued by `root`. */
async function fullAttestation(aaguid: string, root: TestCa = attestationRoot, extra: SoftAuthenticatorOptions = {}) {
  return new SoftAuthenticator({ aaguid, attestation: "packed", attestationCertificate: await createAttestationCertificate(root, aaguid), ...extra });
}

async function attemptRegistration(user: UserProfile, authenticator: SoftAuthenticator) {
  const session = signedIn(user);
  const binding = newBinding();
  const options = await createRegistrationOptions({ user: session, binding });
  const response = authenticator.createCredential({ options, origin: TEST_ORIGIN });
  return { options, response, run: () => verifyRegistration({ response, user: session, binding, ctx: testCtx }) };
}

async function attemptSignIn(user: UserProfile, authenticator: SoftAuthenticator) {
  const binding = newBinding();
  const options = await createAuthenticationOptions({ email: user.email, binding });
  const response = authenticator.getAssertion({ options, origin: TEST_ORIGIN });
  return verifyAuthentication({ response, binding, ctx: testCtx });
}

/** Registration must be refused with the attestation rule, store nothing, and audit why. */
async function expectRefused(user: UserProfile, authenticator: SoftAuthenticator, message: RegExp, audit: Record<string, unknown>) {
  const { run, response } = await attemptRegistration(user, authenticator);
  const error = await rejectsWith(run(), "PASSKEY_NOT_ALLOWED");
  expect(error.message).toMatch(message);
  expect(await passkeyCount(user.id)).toBe(0);
  const failures = await auditEventsForCredential(response.id, { type: "passkey.registration", outcome: "failure" });
  expect(failures).toHaveLength(1);
  expect(failures[0]?.details).toMatchObject({ reason: "PASSKEY_NOT_ALLOWED", rule: "attestationNotVerified", attestationVerified: false, ...audit });
}

describe("registration while attestation is enforced", () => {
  beforeEach(() => setPasskeyPolicy({ enforceAttestation: true }));

  it("asks the browser for direct attestation even when the server default is none", async () => {
    process.env.WEBAUTHN_ATTESTATION = "none";
    const { resetConfigForTests } = await import("@/server/config");
    resetConfigForTests();
    const { options } = await attemptRegistration(await makeUser(), new SoftAuthenticator());
    expect(options.attestation).toBe("direct");
    await setPasskeyPolicy({ enforceAttestation: false });
    const relaxed = await attemptRegistration(await makeUser(), new SoftAuthenticator());
    expect(relaxed.options.attestation).toBe("none");
  });

  it("refuses a passkey with 'none' attestation, saying it didn't prove its make", async () => {
    await expectRefused(await makeUser(), new SoftAuthenticator({ aaguid: LISTED }), /didn't prove its make \(it gave no attestation, "none"\)/, { fmt: "none", attestationProblem: "none" });
  });

  it("refuses packed self attestation, even for an AAGUID in the metadata", async () => {
    await expectRefused(await makeUser(), new SoftAuthenticator({ aaguid: LISTED, attestation: "packed" }), /vouched only for itself/, {
      fmt: "packed",
      attestationProblem: "self",
    });
  });

  it("accepts full attestation that chains to the statement's root, and stores it as verified", async () => {
    const user = await makeUser();
    const { run, response } = await attemptRegistration(user, await fullAttestation(LISTED));
    const summary = await run();
    expect(summary.aaguid).toBe(LISTED);
    expect(await passkeyRow(response.id)).toMatchObject({ attestationFormat: "packed", attestationVerified: true });
    const [audit] = await getDb().auditEvent.findMany({ where: { subjectUserId: user.id, type: "passkey.registration", outcome: "success" } });
    expect(audit?.details).toMatchObject({ aaguid: LISTED, fmt: "packed", attestationVerified: true });
  });

  it("fetches nothing while verifying, though the attestation certificate names a CRL", async () => {
    const fetched: string[] = [];
    vi.stubGlobal("fetch", async (input: unknown) => {
      fetched.push(String(input));
      throw new Error("no network in tests");
    });
    try {
      const user = await makeUser();
      await (await attemptRegistration(user, await fullAttestation(LISTED))).run();
      expect(await passkeyCount(user.id)).toBe(1);
      expect(fetched).toEqual([]);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("refuses full attestation for an AAGUID the metadata has no statement for", async () => {
    await expectRefused(await makeUser(), await fullAttestation(UNLISTED), /maker isn't in the FIDO metadata/, { aaguid: UNLISTED, attestationProblem: "notInMetadata" });
  });

  it("refuses an authenticator whose entry was dropped for a compromise report", async () => {
    await expectRefused(await makeUser(), await fullAttestation(COMPROMISED), /maker isn't in the FIDO metadata/, { aaguid: COMPROMISED });
  });

  it("refuses every passkey, explaining why, if no blob is loaded any more", async () => {
    await installMetadata(null);
    await expectRefused(await makeUser(), await fullAttestation(LISTED), /no FIDO metadata is loaded/, { attestationProblem: "noMetadata" });
  });
});

describe("registration with a blob loaded but attestation not enforced", () => {
  it("stores truthfully whether each passkey's attestation verified", async () => {
    const user = await makeUser();
    const verified = await registerPasskey(user, await fullAttestation(LISTED));
    const none = await registerPasskey(user, new SoftAuthenticator({ aaguid: LISTED }));
    const unlisted = await registerPasskey(user, await fullAttestation(UNLISTED));
    expect(await passkeyRow(verified.credentialId)).toMatchObject({ attestationVerified: true });
    expect(await passkeyRow(none.credentialId)).toMatchObject({ attestationFormat: "none", attestationVerified: false });
    expect(await passkeyRow(unlisted.credentialId)).toMatchObject({ attestationFormat: "packed", attestationVerified: false });
  });

  it("refuses a certificate chain that does not lead to the listed maker's root (a false claim)", async () => {
    const user = await makeUser();
    const impostorRoot = await createTestRoot("CN=Impostor Root, O=Elsewhere, C=GB");
    const { run } = await attemptRegistration(user, await fullAttestation(LISTED, impostorRoot));
    await rejectsWith(run(), "REGISTRATION_FAILED");
    expect(await passkeyCount(user.id)).toBe(0);
  });
});

describe("sign-in while attestation is enforced", () => {
  it("refuses a passkey registered without verified attestation and signs in a verified one", async () => {
    const user = await makeUser();
    const old = await registerPasskey(user, new SoftAuthenticator({ aaguid: LISTED }));
    const good = await registerPasskey(user, await fullAttestation(LISTED));
    await setPasskeyPolicy({ enforceAttestation: true });
    const before = await passkeyRow(old.credentialId);

    const error = await rejectsWith(attemptSignIn(user, old.authenticator), "PASSKEY_NOT_ALLOWED");
    expect(error.message).toMatch(/Sign in another way/);
    expect(await passkeyRow(old.credentialId)).toEqual(before);
    const failures = await auditEventsForCredential(old.credentialId, { outcome: "failure" });
    expect(failures.at(-1)?.details).toMatchObject({ reason: "PASSKEY_NOT_ALLOWED", rule: "attestationNotVerified" });

    // The authenticator holds both credentials; sign in with the verified one.
    const binding = newBinding();
    const options = await createAuthenticationOptions({ email: user.email, binding });
    const response = good.authenticator.getAssertion({ options, origin: TEST_ORIGIN, credentialId: good.credentialId });
    await expect(verifyAuthentication({ response, binding, ctx: testCtx })).resolves.toMatchObject({ user: { id: user.id } });
  });
});

describe("saving the policy with attestation enforced", () => {
  async function save(change: Partial<PasskeyPolicySettings>) {
    const admin = await makeUser({ role: "admin" });
    const current = await getPasskeyPolicyForAdmin();
    return updatePasskeyPolicy({ version: current.version, policy: { ...current.policy, ...change } }, { userId: admin.id }, testCtx);
  }

  async function state() {
    return {
      row: await getDb().passkeyPolicy.findUnique({ where: { id: 1 } }),
      audits: await getDb().auditEvent.count({ where: { type: "policy.updated" } }),
    };
  }

  it("refuses to turn enforcement on while no blob is loaded (409) and changes nothing", async () => {
    await installMetadata(null);
    const before = await state();
    const error = await rejectsWith(save({ enforceAttestation: true, maxPasskeys: 4 }), "ATTESTATION_METADATA_UNAVAILABLE");
    expect(error.message).toMatch(/no FIDO metadata blob is loaded/);
    expect(await state()).toEqual(before);
  });

  it("always lets an administrator turn enforcement off", async () => {
    await setPasskeyPolicy({ enforceAttestation: true });
    await installMetadata(null);
    const after = await save({ enforceAttestation: false });
    expect(after.policy.enforceAttestation).toBe(false);
  });

  it("turns enforcement on while a blob is loaded, and audits it", async () => {
    const after = await save({ enforceAttestation: true });
    expect(after.policy.enforceAttestation).toBe(true);
    const audit = await getDb().auditEvent.findFirst({ where: { type: "policy.updated" }, orderBy: { id: "desc" } });
    expect(audit?.details).toMatchObject({ changes: { enforceAttestation: { before: false, after: true } } });
  });
});
