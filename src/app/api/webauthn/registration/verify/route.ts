import { passkeyRegistrationVerify } from "@/server/webauthn/passkey-registration-routes";

export const POST = passkeyRegistrationVerify;
