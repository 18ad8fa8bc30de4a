// Enforced attestation against the test FIDO metadata blob the e2e server loads at start-up
// (scripts/test/e2e-server.ts). Chromium's virtual authenticators attest with a self-signed
// certificate that differs on every registration, so no metadata root can verify them: the
// browser journey proves the refusal, and the acceptance goes through the same server's API with
// the software authenticator's full attestation under the blob's test attestation root.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "@playwright/test";
import { getDb } from "@/server/db";
import { createAdmin, deleteUser, latestPolicyAudit, restoreDefaultPasskeyPolicy, setPasskeyPolicy } from "../fixtures/admin-policy";
import { E2E } from "../fixtures/e2e-env";
import {
  createAttestationCertificate,
  E2E_BLOB_NO,
  E2E_COMPROMISED_AAGUID,
  E2E_LISTED_AAGUID,
  e2eMetadataDir,
  readE2eAttestationRoot,
} from "../fixtures/mds";
import { SoftAuthenticator } from "../fixtures/soft-authenticator";
import { auditEventsOf, choosePlace, expect, openWhereStep, passkeysOf, signInWithTap, signOut, test } from "../fixtures/playwright";

test.afterEach(restoreDefaultPasskeyPolicy);

const REFUSAL = "maker isn't in the FIDO metadata your organization uses";

test("an administrator enforces attestation against the loaded blob; a passkey whose maker can't be verified is refused", async ({
  page,
  authenticator,
  user,
}) => {
  const admin = await createAdmin();
  try {
    await signInWithTap(page, admin, "/admin/policy");

    const group = page.getByRole("group", { name: "Attestation" });
    await expect(group.getByRole("heading", { name: "Loaded FIDO metadata" })).toBeVisible();
    await expect(group.getByText("Blob number")).toBeVisible();
    await expect(group.getByRole("definition").filter({ hasText: String(E2E_BLOB_NO) })).toHaveText(String(E2E_BLOB_NO));
    const { nextUpdate } = JSON.parse(Buffer.from(readFileSync(join(e2eMetadataDir(E2E.port), "blob.jwt"), "utf8").split(".")[1]!, "base64url").toString());
    await expect(group.getByText("Next update")).toBeVisible();
    await expect(group.locator("time")).toHaveText(nextUpdate);
    // One statement listed, one left out for its compromise report.
    await expect(group.getByText("1 (1 left out as compromised or revoked)")).toBeVisible();

    const enforce = page.getByRole("checkbox", { name: "Enforce attestation" });
    await expect(enforce).toBeEnabled();
    await enforce.check();
    await page.getByRole("button", { name: "Save policy" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Policy saved" })).toBeVisible();
    expect((await latestPolicyAudit())?.details).toMatchObject({ changes: { enforceAttestation: { before: false, after: true } } });

    // Nothing wider than a 360 px screen.
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await signOut(page);

    // The user's authenticator gives packed attestation the metadata can't vouch for: refused.
    await signInWithTap(page, user);
    await openWhereStep(page);
    await choosePlace(page, "This device");
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByRole("alert").filter({ hasText: REFUSAL })).toBeVisible();
    expect(await passkeysOf(user.id)).toHaveLength(0);
    expect(await authenticator.credentials()).toHaveLength(1);
    const [refusal] = await auditEventsOf(user.id, "passkey.registration");
    expect(refusal).toMatchObject({ outcome: "failure" });
    expect(refusal?.details).toMatchObject({ rule: "attestationNotVerified", fmt: "packed", attestationVerified: false });
  } finally {
    await deleteUser(admin.id);
  }
});

/** POSTs JSON to the server as the page's signed-in user would. */
async function post(page: Page, path: string, data: unknown) {
  return page.request.post(path, { data, headers: { origin: E2E.baseURL } });
}

/** Registers with the software authenticator through the running server's API. */
async function registerThroughApi(page: Page, authenticator: SoftAuthenticator) {
  const options = await post(page, "/api/webauthn/registration/options", {});
  expect(options.status()).toBe(200);
  const creation = await options.json();
  expect(creation.attestation).toBe("direct");
  const response = authenticator.createCredential({ options: creation, origin: E2E.baseURL });
  return { response, answer: await post(page, "/api/webauthn/registration/verify", { response, name: "Test key" }) };
}

test("the running server verifies full attestation against the blob it loaded at start-up", async ({ page, user }) => {
  await setPasskeyPolicy({ enforceAttestation: true });
  await signInWithTap(page, user);
  const root = await readE2eAttestationRoot(e2eMetadataDir(E2E.port));

  const listed = new SoftAuthenticator({
    aaguid: E2E_LISTED_AAGUID,
    attestation: "packed",
    attestationCertificate: await createAttestationCertificate(root, E2E_LISTED_AAGUID),
  });
  const accepted = await registerThroughApi(page, listed);
  expect(accepted.answer.status()).toBe(200);
  const rows = await passkeysOf(user.id);
  expect(rows).toEqual([expect.objectContaining({ aaguid: E2E_LISTED_AAGUID, attestationFormat: "packed", attestationVerified: true })]);

  // The same proof for a model whose entry the blob marks as compromised is refused.
  const compromised = new SoftAuthenticator({
    aaguid: E2E_COMPROMISED_AAGUID,
    attestation: "packed",
    attestationCertificate: await createAttestationCertificate(root, E2E_COMPROMISED_AAGUID),
  });
  const refused = await registerThroughApi(page, compromised);
  expect(refused.answer.status()).toBe(403);
  expect((await refused.answer.json()).error).toMatchObject({ code: "PASSKEY_NOT_ALLOWED", message: expect.stringContaining(REFUSAL) });
  expect(await getDb().passkey.count({ where: { userId: user.id } })).toBe(1);
});
