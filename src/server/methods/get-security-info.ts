import "server-only";
import type { PasskeySummary } from "@/contracts/passkeys";
import { getDb } from "../db";
import { passkeySummarySelect, toPasskeySummary } from "./passkey-summary";

export interface SecurityInfo {
  email: string;
  displayName: string;
  passkeys: PasskeySummary[];
}

/** Everything the security-info page shows, in one query. */
export async function getSecurityInfo(userId: string): Promise<SecurityInfo | null> {
  const user = await getDb().user.findUnique({
    where: { id: userId },
    select: {
      email: true,
      displayName: true,
      passkeys: { select: passkeySummarySelect, orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
    },
  });
  if (!user) return null;
  return { email: user.email, displayName: user.displayName, passkeys: user.passkeys.map(toPasskeySummary) };
}
