// The audit log's reads: filters, keyset pages in both directions (ties on `at` broken by id),
// events that outlive their users, and the streamed CSV export.
import { describe, expect, it } from "vitest";
import { AuditPageQuery } from "@/contracts/admin-audit";
import { streamAuditCsv } from "@/server/admin/audit/audit-csv";
import { iterateAuditEvents, listAuditEvents, listAuditEventTypes } from "@/server/admin/audit/list-audit-events";
import { getDb } from "@/server/db";
import { renameUserPasskey } from "@/server/methods/rename-user-passkey";
import { makeUser, testCtx } from "../fixtures/factories";
import { SoftAuthenticator } from "../fixtures/soft-authenticator";
import { registerPasskey, rejectsWith } from "./webauthn-helpers";

const BASE = Date.parse("2031-03-10T12:00:00.000Z");

/** `count` events about `userId`, one second apart from BASE (the last is newest); every 10th fails. */
async function seedEvents(userId: string, count: number, options: { sameTime?: boolean; actorId?: string } = {}) {
  await getDb().auditEvent.createMany({
    data: Array.from({ length: count }, (_, i) => ({
      at: new Date(options.sameTime ? BASE : BASE + i * 1000),
      type: i % 2 === 0 ? "test.even" : "test.odd",
      outcome: i % 10 === 9 ? "failure" : "success",
      actorId: options.actorId ?? null,
      subjectUserId: userId,
      details: { i },
    })),
  });
}

function indexes(events: { details: unknown }[]): number[] {
  return events.map((event) => (event.details as { i: number }).i);
}

const range = (from: number, to: number) => Array.from({ length: from - to + 1 }, (_, k) => from - k);

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe("audit log pages", () => {
  it("pages newest first by keyset, forward to the end and back to the start", async () => {
    const user = await makeUser();
    await seedEvents(user.id, 120);
    const filter = { user: user.id };

    const first = await listAuditEvents(filter, 50);
    expect(indexes(first.events)).toEqual(range(119, 70));
    expect(first.newerCursor).toBeNull();
    const second = await listAuditEvents({ ...filter, cursor: first.olderCursor!, direction: "older" }, 50);
    expect(indexes(second.events)).toEqual(range(69, 20));
    const third = await listAuditEvents({ ...filter, cursor: second.olderCursor!, direction: "older" }, 50);
    expect(indexes(third.events)).toEqual(range(19, 0));
    expect(third.olderCursor).toBeNull();

    const backToSecond = await listAuditEvents({ ...filter, cursor: third.newerCursor!, direction: "newer" }, 50);
    expect(indexes(backToSecond.events)).toEqual(range(69, 20));
    const backToFirst = await listAuditEvents({ ...filter, cursor: backToSecond.newerCursor!, direction: "newer" }, 50);
    expect(indexes(backToFirst.events)).toEqual(range(119, 70));
    expect(backToFirst.newerCursor).toBeNull();
    expect(backToFirst.olderCursor).toEqual(first.olderCursor);
  });

  it("ends exactly on a full last page, and breaks ties on the same instant by id", async () => {
    const user = await makeUser();
    await seedEvents(user.id, 100, { sameTime: true });
    const first = await listAuditEvents({ user: user.id }, 50);
    const second = await listAuditEvents({ user: user.id, cursor: first.olderCursor!, direction: "older" }, 50);
    expect(second.olderCursor).toBeNull();
    const seen = [...indexes(first.events), ...indexes(second.events)];
    expect(new Set(seen).size).toBe(100);
    expect(seen).toEqual(range(99, 0));
  });

  it("filters by user email or id (as actor or subject), type, outcome and whole UTC days", async () => {
    const admin = await makeUser({ role: "admin" });
    const user = await makeUser();
    await seedEvents(user.id, 30, { actorId: admin.id });

    expect((await listAuditEvents({ user: user.email.toUpperCase() })).events).toHaveLength(30);
    expect((await listAuditEvents({ user: admin.id })).events).toHaveLength(30);
    expect(indexes((await listAuditEvents({ user: user.id, type: "test.odd", outcome: "failure" })).events)).toEqual([29, 19, 9]);
    expect((await listAuditEvents({ user: user.id, from: "2031-03-11" })).events).toHaveLength(0);
    expect((await listAuditEvents({ user: user.id, from: "2031-03-10", to: "2031-03-10" })).events).toHaveLength(30);
    expect((await listAuditEvents({ user: user.id, to: "2031-03-09" })).events).toHaveLength(0);
    expect((await listAuditEvents({ user: "nobody-at-all@example.com" })).events).toEqual([]);
    expect(await listAuditEventTypes()).toEqual(expect.arrayContaining(["test.even", "test.odd"]));
  });

  it("shows a deleted user's events by id, without an email", async () => {
    const user = await makeUser();
    await seedEvents(user.id, 2);
    await getDb().user.delete({ where: { id: user.id } });
    const { events } = await listAuditEvents({ user: user.id });
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ subjectUserId: user.id, subjectEmail: null });
  });

  it("refuses a forged cursor and bad filters", async () => {
    await rejectsWith(listAuditEvents({ cursor: Buffer.from("not|a cursor").toString("base64url") }), "INVALID_REQUEST");
    for (const bad of [{ outcome: "maybe" }, { from: "2031-02-30" }, { to: "2031-13-45" }, { from: "yesterday" }, { from: "2031-03-02", to: "2031-03-01" }, { type: "x; DROP" }, { cursor: "%%" }]) {
      expect(AuditPageQuery.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(AuditPageQuery.parse({ user: "", type: "", outcome: "", from: "", to: "" })).toEqual({});
  });
});

describe("audit log words", () => {
  it("names each activity for people and gives its details as labelled fields, passkeys by their current name", async () => {
    const user = await makeUser();
    const google = "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4";
    const { passkeyId } = await registerPasskey(user, new SoftAuthenticator({ aaguid: google }), "Phone");
    await renameUserPasskey(user.id, passkeyId, "Work phone", testCtx);
    await getDb().auditEvent.create({
      data: { type: "passkey.authentication", outcome: "success", subjectUserId: user.id, details: { passkeyId, userVerified: true } },
    });
    await getDb().auditEvent.create({
      data: { type: "passkey.authentication", outcome: "success", subjectUserId: user.id, details: { passkeyId: "not-a-uuid" } },
    });

    const { events } = await listAuditEvents({ user: user.id });
    const byType = (type: string) => events.filter((event) => event.type === type);

    const [registered] = byType("passkey.registration");
    expect(registered!.label).toBe("Registered a passkey");
    expect(registered!.fields).toEqual(
      expect.arrayContaining([
        { label: "Passkey", value: "Work phone" },
        { label: "Provider", value: "Google Password Manager" },
      ]),
    );
    const [renamed] = byType("passkey.renamed");
    expect(renamed!.label).toBe("Renamed a passkey");
    expect(renamed!.fields).toEqual(expect.arrayContaining([{ label: "From", value: "Phone" }, { label: "To", value: "Work phone" }]));
    const [unparsable, signedIn] = byType("passkey.authentication");
    expect(signedIn!.label).toBe("Signed in with a passkey");
    expect(signedIn!.fields).toEqual([
      { label: "Passkey", value: "Work phone" },
      { label: "User verified", value: "Yes" },
    ]);
    // A malformed id in the details names nothing and fails nothing.
    expect(unparsable!.fields).toEqual([{ label: "Passkey", value: "A passkey that no longer exists" }]);
    // No UUID of a passkey anywhere in what the page shows.
    expect(JSON.stringify(events.map((event) => event.fields))).not.toContain(passkeyId);
    // The raw codes stay for the CSV and the API.
    expect(signedIn!.type).toBe("passkey.authentication");
    expect(signedIn!.details).toEqual({ passkeyId, userVerified: true });
  });

  it("shows an AAGUID no one names as an unknown provider with its AAGUID", async () => {
    const user = await makeUser();
    const aaguid = "11111111-2222-3333-4444-555555555555";
    await getDb().auditEvent.create({
      data: { type: "passkey.registration", outcome: "failure", subjectUserId: user.id, details: { aaguid, reason: "policy" } },
    });
    const [event] = (await listAuditEvents({ user: user.id })).events;
    expect(event!.fields).toEqual([
      { label: "Provider", value: `Unknown provider (${aaguid})` },
      { label: "Reason", value: "policy" },
    ]);
  });
});

describe("audit log CSV export", () => {
  it("streams every filtered row in keyset batches, with a header", async () => {
    const user = await makeUser();
    await seedEvents(user.id, 25);
    const batches: number[] = [];
    for await (const batch of iterateAuditEvents({ user: user.id }, 10)) batches.push(batch.length);
    expect(batches).toEqual([10, 10, 5]);

    const csv = await readAll(streamAuditCsv({ user: user.id, outcome: "failure" }, 1));
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe("time,type,outcome,actor,actor_id,subject,subject_id,ip,details");
    expect(lines.slice(1)).toEqual(
      [19, 9].map((i) => `${new Date(BASE + i * 1000).toISOString()},test.odd,failure,,,${user.email},${user.id},,"{""i"":${i}}"`),
    );
  });

  it("quotes and neutralises spreadsheet formulas in cells", async () => {
    const user = await makeUser();
    await getDb().auditEvent.create({
      data: { at: new Date(BASE), type: "test.formula", outcome: "success", subjectUserId: user.id, ip: "=HYPERLINK(\"x\")", details: { name: "-1+2" } },
    });
    const csv = await readAll(streamAuditCsv({ user: user.id }));
    expect(csv.split("\r\n")[1]).toBe(
      `${new Date(BASE).toISOString()},test.formula,success,,,${user.email},${user.id},"'=HYPERLINK(""x"")","{""name"":""-1+2""}"`,
    );
  });
});
