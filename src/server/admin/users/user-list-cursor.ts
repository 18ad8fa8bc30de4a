import "server-only";
import { z } from "zod";
import { textProblem } from "@/contracts/text";
import { AppError } from "../../errors";

/** A position in the list ordered by (email, id): the last (or first) row a page showed. */
export interface UserListPosition {
  email: string;
  id: string;
}

// The email goes back into SQL: a forged cursor must not carry what PostgreSQL cannot store (NUL).
const Position = z.tuple([z.string().min(1).max(254).refine((email) => textProblem(email) === null), z.uuid()]);

/** Opaque to clients; not secret (it holds only what the page shows), but validated on the way in. */
export function encodeUserListCursor(position: UserListPosition): string {
  return Buffer.from(JSON.stringify([position.email, position.id]), "utf8").toString("base64url");
}

/** @throws INVALID_REQUEST for anything that is not a cursor this server wrote */
export function decodeUserListCursor(cursor: string): UserListPosition {
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  const parsed = Position.safeParse(data);
  if (!parsed.success) throw invalid();
  return { email: parsed.data[0], id: parsed.data[1] };
}

function invalid() {
  return new AppError("INVALID_REQUEST", "The page link is not valid. Start the search again.");
}

/**
 * A page from rows fetched one past `pageSize` in the keyset's direction (descending when going
 * back), put in (email, id) order with the cursors for the pages either side. Going forward there
 * is a previous page whenever we came from one; going back, a next one.
 */
export function toUserListPage<T extends UserListPosition>(
  rows: T[],
  pageSize: number,
  { after, before }: { after: UserListPosition | null; before: UserListPosition | null },
): { page: T[]; nextCursor: string | null; previousCursor: string | null } {
  const more = rows.length > pageSize;
  const page = rows.slice(0, pageSize);
  if (before) page.reverse();
  const first = page[0];
  const last = page.at(-1);
  const hasNext = before ? true : more;
  const hasPrevious = before ? more : after !== null;
  return {
    page,
    nextCursor: hasNext && last ? encodeUserListCursor(last) : null,
    previousCursor: hasPrevious && first ? encodeUserListCursor(first) : null,
  };
}
