import "server-only";
import { getDb } from "../../db";

/** How many passkeys a user has (the step-up dialog offers a passkey only when there is one). */
export async function countUserPasskeys(userId: string): Promise<number> {
  return getDb().passkey.count({ where: { userId } });
}
