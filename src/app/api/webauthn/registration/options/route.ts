import { passkeyRegistrationOptions } from "@/server/webauthn/passkey-registration-routes";

export const POST = passkeyRegistrationOptions;
