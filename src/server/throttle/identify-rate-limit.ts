import "server-only";
import { getConfig } from "../config";
import { assertCeremonyRateAllowed } from "./ceremony-rate-limit";

/**
 * Counts an identify request (the email step of sign-in) against its IP address, in the same
 * fixed windows as the WebAuthn options requests but on a key of its own, and refuses it past
 * IDENTIFY_RATE_PER_IP: asking about many emails from one address is how accounts get probed.
 * One SQL statement whatever the email, so a known and an unknown email cost the same.
 * @throws RATE_LIMITED (with the seconds until the window ends, for Retry-After)
 */
export async function assertIdentifyRateAllowed(ip: string | null, now = new Date()): Promise<void> {
  const config = getConfig();
  const limits = { perIp: config.identifyRatePerIp, perAccount: config.identifyRatePerIp, windowMs: config.ceremonyRate.windowMs };
  await assertCeremonyRateAllowed({ ip: `identify:${ip ?? "unknown"}`, account: null }, now, limits);
}
