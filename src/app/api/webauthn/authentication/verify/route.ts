import { passkeySignInVerify } from "@/server/sign-in/passkey-sign-in-routes";

export const POST = passkeySignInVerify;
