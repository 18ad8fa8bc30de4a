import { describe, expect, it } from "vitest";
import { AppError } from "@/server/errors";
import { decodeUserListCursor, encodeUserListCursor } from "@/server/admin/users/user-list-cursor";

const position = { email: "ada.lovelace@example.com", id: "0b1e0c1a-7f3d-4c52-9a51-2f4a9e6f1d20" };

function codeOf(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (error) {
    return error instanceof AppError ? error.code : "not an AppError";
  }
}

describe("user list cursor", () => {
  it("gives back the position it was made from", () => {
    expect(decodeUserListCursor(encodeUserListCursor(position))).toEqual(position);
  });

  it("is URL-safe", () => {
    expect(encodeUserListCursor({ ...position, email: "?&+/=@example.com" })).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ["not base64 JSON", "%%%"],
    ["an object", Buffer.from(JSON.stringify(position)).toString("base64url")],
    ["a malformed id", Buffer.from(JSON.stringify([position.email, "1 OR 1=1"])).toString("base64url")],
    ["an empty email", Buffer.from(JSON.stringify(["", position.id])).toString("base64url")],
    ["an extra element", Buffer.from(JSON.stringify([position.email, position.id, 1])).toString("base64url")],
    ["an email over 254 characters", Buffer.from(JSON.stringify(["a".repeat(255), position.id])).toString("base64url")],
  ])("refuses %s with INVALID_REQUEST", (_, cursor) => {
    expect(codeOf(() => decodeUserListCursor(cursor))).toBe("INVALID_REQUEST");
  });
});
