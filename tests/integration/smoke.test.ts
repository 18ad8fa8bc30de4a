import { describe, expect, it } from "vitest";
import { getDb } from "@/server/db";
import { makeUser } from "../fixtures/factories";

describe("integration database", () => {
  it("is a migrated PostgreSQL database the server functions can write to", async () => {
    const user = await makeUser();
    const row = await getDb().user.findUnique({ where: { id: user.id }, select: { webauthnUserId: true } });
    expect(Buffer.from(row!.webauthnUserId, "base64url")).toHaveLength(32);
  });
});
