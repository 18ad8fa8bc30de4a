import "server-only";
import type { PasskeySummary } from "@/contracts/passkeys";
import { getDb } from "../db";
import { passkeySummarySelect, toPasskeySummary } from "./passkey-summary";

/** The user's passkeys, oldest first (the order they were added). */
export async function listUserPasskeys(userId: string): Promise<PasskeySummary[]> {
  const rows = await getDb().passkey.findMany({
    where: { userId },
    select: passkeySummarySelect,
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return rows.map(toPasskeySummary);
}
