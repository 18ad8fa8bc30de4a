import "server-only";

/** A position in the log: the (at, id) of an event, newest first. */
export interface AuditCursor {
  at: Date;
  id: bigint;
}

/** AuditEvent.id is a PostgreSQL bigint: a larger id in a link would fail in SQL, not match nothing. */
const MAX_EVENT_ID = 2n ** 63n - 1n;

export function encodeAuditCursor(cursor: AuditCursor): string {
  return Buffer.from(`${cursor.at.toISOString()}|${cursor.id}`, "utf8").toString("base64url");
}

/** The cursor a link carried, or null when it is not one of ours (or names a time or id no event can have). */
export function decodeAuditCursor(value: string): AuditCursor | null {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|(\d{1,19})$/.exec(Buffer.from(value, "base64url").toString("utf8"));
  if (!match) return null;
  const at = new Date(match[1]!);
  // Date rolls 02-30 over to March and takes year 0000, which PostgreSQL refuses: only a time that
  // survives the round trip, and none before 1970 (no event is older), is one we wrote.
  if (Number.isNaN(at.getTime()) || at.toISOString() !== match[1] || at.getTime() < 0) return null;
  const id = BigInt(match[2]!);
  if (id > MAX_EVENT_ID) return null;
  return { at, id };
}
