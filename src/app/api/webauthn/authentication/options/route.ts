import { passkeySignInOptions } from "@/server/sign-in/passkey-sign-in-routes";

export const POST = passkeySignInOptions;
