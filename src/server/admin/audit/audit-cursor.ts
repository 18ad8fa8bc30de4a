import "server-only";

/** A position in the log: the (at, id) of an event, newest first. */
export interface AuditCursor {
  at: Date;
  id: bigint;
}

export function encodeAuditCursor(cursor: AuditCursor): string {
  return Buffer.from(`${cursor.at.toISOString()}|${cursor.id}`, "utf8").toString("base64url");
}

/** The cursor a link carried, or null when it is not one of ours. */
export function decodeAuditCursor(value: string): AuditCursor | null {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|(\d{1,19})$/.exec(Buffer.from(value, "base64url").toString("utf8"));
  if (!match) return null;
  const at = new Date(match[1]!);
  if (Number.isNaN(at.getTime())) return null;
  return { at, id: BigInt(match[2]!) };
}
