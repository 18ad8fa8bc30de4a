import "server-only";
import type { PolicyTargetUser } from "@/contracts/policy";
import { getDb } from "../db";

/** Users whose email starts with `prefix`, for picking the users a policy targets (at most 8). */
export async function findPolicyUsersByEmail(prefix: string): Promise<PolicyTargetUser[]> {
  return getDb().user.findMany({
    // Emails are stored lower-case; a prefix match can use the unique index on email.
    where: { email: { startsWith: prefix.trim().toLowerCase() } },
    select: { id: true, email: true, displayName: true },
    orderBy: { email: "asc" },
    take: 8,
  });
}
