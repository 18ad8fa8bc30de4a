import "server-only";
import type { PasskeySummary } from "@/contracts/passkeys";
import { getDb } from "../db";
import { getUserPolicyAccess } from "../policy/passkey-policy";
import { passkeyListOrder, passkeySummarySelect, toPasskeySummary } from "./passkey-summary";

/** The user's passkeys, newest first. */
export async function listUserPasskeys(userId: string): Promise<PasskeySummary[]> {
  const [rows, access] = await Promise.all([
    getDb().passkey.findMany({ where: { userId }, select: passkeySummarySelect, orderBy: passkeyListOrder }),
    getUserPolicyAccess(userId),
  ]);
  return rows.map((row) => toPasskeySummary(row, access));
}
