// The audit trail is append-only in the database itself: whatever holds the application's
// connection can add events, never change or remove them, and deleting a user keeps theirs.
import { describe, expect, it } from "vitest";
import { recordAudit } from "@/server/audit";
import { getDb } from "@/server/db";
import { makeUser, testCtx } from "../fixtures/factories";

async function eventsAbout(userId: string) {
  return getDb().auditEvent.findMany({ where: { subjectUserId: userId }, orderBy: { id: "asc" } });
}

async function expectRefused(sql: string, operation: string) {
  await expect(getDb().$executeRawUnsafe(sql)).rejects.toThrow(new RegExp(`append-only: ${operation} is not allowed`));
}

describe("append-only audit trail", () => {
  it("still records new events", async () => {
    const user = await makeUser();
    await recordAudit(null, testCtx, { type: "test.inserted", outcome: "success", actorId: user.id, subjectUserId: user.id, details: { n: 1 } });
    expect(await eventsAbout(user.id)).toEqual([
      expect.objectContaining({ type: "test.inserted", outcome: "success", actorId: user.id, details: { n: 1 }, ip: testCtx.ip }),
    ]);
  });

  it("refuses to UPDATE an event, through raw SQL on the application's connection", async () => {
    const user = await makeUser();
    await recordAudit(null, testCtx, { type: "test.kept", outcome: "failure", subjectUserId: user.id });
    const before = await eventsAbout(user.id);

    await expectRefused(`UPDATE "AuditEvent" SET outcome = 'success' WHERE "subjectUserId" = '${user.id}'`, "UPDATE");
    await expect(getDb().auditEvent.updateMany({ where: { subjectUserId: user.id }, data: { type: "test.rewritten" } })).rejects.toThrow(/append-only/);
    expect(await eventsAbout(user.id)).toEqual(before);
  });

  it("refuses to DELETE an event", async () => {
    const user = await makeUser();
    await recordAudit(null, testCtx, { type: "test.kept", outcome: "success", subjectUserId: user.id });
    const before = await eventsAbout(user.id);
    const total = await getDb().auditEvent.count();

    await expectRefused(`DELETE FROM "AuditEvent" WHERE "subjectUserId" = '${user.id}'`, "DELETE");
    await expect(getDb().auditEvent.deleteMany({})).rejects.toThrow(/append-only/);
    expect(await eventsAbout(user.id)).toEqual(before);
    expect(await getDb().auditEvent.count()).toBe(total);
  });

  it("refuses to TRUNCATE the table", async () => {
    const user = await makeUser();
    await recordAudit(null, testCtx, { type: "test.kept", outcome: "success", subjectUserId: user.id });
    const total = await getDb().auditEvent.count();

    await expectRefused(`TRUNCATE "AuditEvent"`, "TRUNCATE");
    expect(await getDb().auditEvent.count()).toBe(total);
  });

  it("keeps a deleted user's events, with who acted and on whom", async () => {
    const admin = await makeUser({ role: "admin" });
    const user = await makeUser();
    await recordAudit(null, testCtx, { type: "test.admin_action", outcome: "success", actorId: admin.id, subjectUserId: user.id });
    const before = await eventsAbout(user.id);

    await getDb().user.delete({ where: { id: user.id } });
    await getDb().user.delete({ where: { id: admin.id } });
    expect(await getDb().user.count({ where: { id: { in: [user.id, admin.id] } } })).toBe(0);
    expect(await eventsAbout(user.id)).toEqual(before);
    expect(before[0]).toMatchObject({ actorId: admin.id, subjectUserId: user.id });
  });
});
