// WebAuthn related origin requests: browsers fetch /.well-known/webauthn from the RP ID's host to
// learn which origins may use its passkeys.
import { expect, test } from "../fixtures/playwright";
import { E2E } from "../fixtures/e2e-env";

test("GET /.well-known/webauthn lists the app's own origin as JSON, without a session", async ({ request }) => {
  const res = await request.get("/.well-known/webauthn");
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toMatch(/^application\/json/);
  expect(await res.json()).toEqual({ origins: [E2E.baseURL] });
});
