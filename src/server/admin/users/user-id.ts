import "server-only";
import { AppError } from "../../errors";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Route ids are UUIDs; anything else names no row, so it is a 404 rather than a database error. */
export function assertRowId(id: string, notFound: () => AppError): string {
  if (!UUID.test(id)) throw notFound();
  return id.toLowerCase();
}

export const userNotFound = () => new AppError("USER_NOT_FOUND", "There is no such user.");
export const passkeyNotFound = () => new AppError("PASSKEY_NOT_FOUND", "That passkey no longer exists.");
