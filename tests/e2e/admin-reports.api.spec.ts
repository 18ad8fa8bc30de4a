// The reports' endpoints over HTTP: JSON pages and chart data, bad queries refused with 400
// INVALID_REQUEST, and the CSV download's headers and rows.
import { createTapUser, deleteTestUser, signInRequest } from "../fixtures/admin-audit";
import { E2E } from "../fixtures/e2e-env";
import { expect, test } from "../fixtures/playwright";

test("answers reports as JSON and CSV, and refuses bad queries with 400 INVALID_REQUEST", async ({ playwright }) => {
  const admin = await createTapUser("admin", "reports-admin");
  const ctx = await playwright.request.newContext({ baseURL: E2E.baseURL });
  try {
    await signInRequest(ctx, admin);
    const page = await ctx.get(`/api/admin/reports/registrations?q=${encodeURIComponent(admin.email)}`);
    expect(page.status()).toBe(200);
    expect(await page.json()).toEqual({
      users: [
        expect.objectContaining({
          email: admin.email,
          role: "admin",
          passkeys: 0,
          temporaryAccessPass: "usable",
          passwordlessCapable: false,
          mfaCapable: false,
        }),
      ],
      matching: 1,
      nextCursor: null,
      previousCursor: null,
    });

    const activity = await ctx.get("/api/admin/reports/activity?from=2031-01-01&to=2031-01-03");
    expect(activity.status()).toBe(200);
    const body = await activity.json();
    expect(body.registrations.map((d: { day: string }) => d.day)).toEqual(["2031-01-01", "2031-01-02", "2031-01-03"]);
    expect(body.signIns).toHaveLength(3);
    expect(body.totals.users).toBeGreaterThanOrEqual(1);

    const bad: Array<[string, string]> = [
      ["registrations", "method=sms"],
      ["registrations", "passwordless=maybe"],
      ["registrations", "mfa=1"],
      ["registrations", "after=%25%25"],
      ["registrations", `after=${Buffer.from('["a@b.c","nope"]').toString("base64url")}`],
      ["registrations", "after=a&before=b"],
      ["registrations", "page=2"],
      ["registrations/export", "method=sms"],
      ["registrations/export", "after=abc"],
      ["activity", "from=2031-02-30"],
      ["activity", "from=2031-03-02&to=2031-03-01"],
      ["activity", "from=2031-01-01&to=2032-12-31"],
      ["activity", "days=7"],
    ];
    for (const [route, query] of bad) {
      const res = await ctx.get(`/api/admin/reports/${route}?${query}`);
      expect({ route, query, status: res.status(), code: (await res.json()).error?.code }).toEqual({ route, query, status: 400, code: "INVALID_REQUEST" });
    }

    const csv = await ctx.get(`/api/admin/reports/registrations/export?q=${encodeURIComponent(admin.email)}&method=tap`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()["content-type"]).toMatch(/^text\/csv/);
    expect(csv.headers()["content-disposition"]).toMatch(/^attachment; filename="registration-details-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(csv.headers()["cache-control"]).toBe("no-store");
    const lines = (await csv.text()).trimEnd().split("\r\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]!.startsWith(`${admin.email},E2E Admin,${admin.id},admin,0,0,no,no,usable,no,no,`)).toBe(true);
  } finally {
    await ctx.dispose();
    await deleteTestUser(admin);
  }
});
