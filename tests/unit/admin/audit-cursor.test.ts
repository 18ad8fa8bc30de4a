// Audit page cursors: only (at, id) pairs an event can have are read back; anything else is "not ours".
import { describe, expect, it } from "vitest";
import { decodeAuditCursor, encodeAuditCursor } from "@/server/admin/audit/audit-cursor";

const raw = (text: string) => Buffer.from(text, "utf8").toString("base64url");

describe("decodeAuditCursor", () => {
  it("reads back a cursor it wrote, up to the largest bigint id", () => {
    const at = new Date("2026-11-25T10:00:00.000Z");
    expect(decodeAuditCursor(encodeAuditCursor({ at, id: 42n }))).toEqual({ at, id: 42n });
    expect(decodeAuditCursor(raw("2026-11-25T10:00:00.000Z|9223372036854775807"))?.id).toBe(2n ** 63n - 1n);
  });

  it("refuses an id above 2^63 - 1, which PostgreSQL's bigint cannot hold", () => {
    expect(decodeAuditCursor(raw("2026-11-25T10:00:00.000Z|9223372036854775808"))).toBeNull();
    expect(decodeAuditCursor(raw("2026-11-25T10:00:00.000Z|9999999999999999999"))).toBeNull();
  });

  it("refuses times no event has: year 0, before 1970, or a day that rolls over", () => {
    expect(decodeAuditCursor(raw("0000-01-01T00:00:00.000Z|1"))).toBeNull();
    expect(decodeAuditCursor(raw("1969-12-31T23:59:59.999Z|1"))).toBeNull();
    expect(decodeAuditCursor(raw("2026-02-30T00:00:00.000Z|1"))).toBeNull();
    expect(decodeAuditCursor(raw("2026-11-25T24:00:00.000Z|1"))).toBeNull();
  });
});
