// The audit log's endpoints over HTTP: JSON pages, bad query parameters, and the CSV download.
import { createTapUser, deleteTestUser, signInRequest } from "../fixtures/admin-audit";
import { E2E } from "../fixtures/e2e-env";
import { expect, test } from "../fixtures/playwright";

test("answers pages as JSON, refuses bad filters with 400 INVALID_REQUEST, and downloads CSV", async ({ playwright }) => {
  const admin = await createTapUser("admin");
  const ctx = await playwright.request.newContext({ baseURL: E2E.baseURL });
  try {
    await signInRequest(ctx, admin);
    const page = await ctx.get(`/api/admin/audit?user=${encodeURIComponent(admin.email)}&type=tap.signin`);
    expect(page.status()).toBe(200);
    const body = await page.json();
    expect(body).toEqual({ events: [expect.objectContaining({ type: "tap.signin", subjectEmail: admin.email })], olderCursor: null, newerCursor: null });

    for (const bad of ["outcome=maybe", "from=2031-02-30", "from=2031-03-02&to=2031-03-01", "cursor=%25%25", "cursor=bm90LWEtY3Vyc29y&direction=older", "direction=sideways"]) {
      const res = await ctx.get(`/api/admin/audit?${bad}`);
      expect({ bad, status: res.status(), code: (await res.json()).error?.code }).toEqual({ bad, status: 400, code: "INVALID_REQUEST" });
    }
    for (const bad of ["outcome=maybe", "to=yesterday", "type=a%20b"]) {
      const res = await ctx.get(`/api/admin/audit/export?${bad}`);
      expect({ bad, status: res.status(), code: (await res.json()).error?.code }).toEqual({ bad, status: 400, code: "INVALID_REQUEST" });
    }

    const csv = await ctx.get(`/api/admin/audit/export?user=${admin.id}`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()["content-type"]).toMatch(/^text\/csv/);
    expect(csv.headers()["content-disposition"]).toMatch(/^attachment; filename="audit-log-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = (await csv.text()).trimEnd().split("\r\n");
    expect(lines[0]).toBe("time,type,outcome,actor,actor_id,subject,subject_id,ip,details");
    expect(lines.slice(1).some((line) => line.includes(",tap.signin,success,") && line.includes(admin.email))).toBe(true);
  } finally {
    await ctx.dispose();
    await deleteTestUser(admin);
  }
});
