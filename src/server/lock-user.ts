import "server-only";
import type { Tx } from "./db";

/**
 * Locks the user's row until the transaction ends. Checks over a user's passkeys (the limit, the
 * last way to sign in, unique names) are read-then-write: holding this lock makes two requests of
 * the same user take turns, so neither acts on a count the other is about to change.
 */
export async function lockUser(tx: Tx, userId: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 FROM "User" WHERE "id" = ${userId}::uuid FOR UPDATE`;
}
