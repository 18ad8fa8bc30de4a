import "server-only";
import type { PasskeySummary } from "@/contracts/passkeys";
import { getDb } from "../db";
import { passkeyListOrder, passkeySummarySelect, toPasskeySummary } from "./passkey-summary";

/** The user's passkeys, newest first. */
export async function listUserPasskeys(userId: string): Promise<PasskeySummary[]> {
  const rows = await getDb().passkey.findMany({
    where: { userId },
    select: passkeySummarySelect,
    orderBy: passkeyListOrder,
  });
  return rows.map(toPasskeySummary);
}
