import "server-only";
import QRCode from "qrcode";
import type { AuthenticatorAppSetupResponse } from "@/contracts/methods";
import { getConfig } from "../config";
import { getDb } from "../db";
import { AppError } from "../errors";
import { lockUser } from "../lock-user";
import { requireFreshMultifactor } from "../require-fresh";
import type { SignedInUser } from "../session";
import { sealSecret } from "./secret-box";
import { formatTotpSecret, newTotpSecret, totpUri } from "./totp";

/**
 * Starts adding an authenticator app: a new secret, sealed and stored unconfirmed (replacing any
 * earlier unfinished setup), shown to the user this once as a QR code and as text. It counts for
 * sign-in only after confirmAuthenticatorApp.
 * @throws UNAUTHENTICATED, REAUTH_REQUIRED, AUTHENTICATOR_APP_EXISTS
 */
export async function startAuthenticatorAppSetup(input: { user: SignedInUser | null }): Promise<AuthenticatorAppSetupResponse> {
  const user = requireFreshMultifactor(input.user);
  const secret = newTotpSecret();
  const sealed = new Uint8Array(sealSecret(secret, user.userId));
  const email = await getDb().$transaction(async (tx) => {
    await lockUser(tx, user.userId);
    const account = await tx.user.findUniqueOrThrow({
      where: { id: user.userId },
      select: { email: true, authenticatorApp: { select: { confirmedAt: true } } },
    });
    if (account.authenticatorApp?.confirmedAt) {
      throw new AppError("AUTHENTICATOR_APP_EXISTS", "You already have an authenticator app. Delete it first to set up another.");
    }
    const fresh = { secretSealed: sealed, createdAt: new Date(), confirmedAt: null, lastUsedStep: null, lastUsedAt: null };
    await tx.authenticatorApp.upsert({ where: { userId: user.userId }, create: { userId: user.userId, ...fresh }, update: fresh });
    return account.email;
  });
  const issuer = getConfig().rpName;
  const uri = totpUri(secret, email, issuer);
  const svg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  return {
    secret: formatTotpSecret(secret),
    uri,
    qr: `data:image/svg+xml;base64,${Buffer.from(svg, "utf8").toString("base64")}`,
    accountName: email,
    issuer,
  };
}
