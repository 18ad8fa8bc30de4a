import { getRelatedOrigins } from "@/server/webauthn/related-origins";

// WebAuthn related origin requests: browsers fetch this from the RP ID's domain to learn which
// other origins may use its passkeys.
export function GET() {
  return Response.json(getRelatedOrigins(), { headers: { "cache-control": "public, max-age=3600" } });
}
