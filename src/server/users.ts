import "server-only";
import { randomBytes } from "node:crypto";
import { DisplayName } from "@/contracts/admin-users";
import type { Role } from "@/generated/prisma/enums";
import { getDb } from "./db";

export interface UserProfile {
  id: string;
  email: string;
  displayName: string;
  role: Role;
}

const profileSelect = { id: true, email: true, displayName: true, role: true } as const;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function getUserByEmail(email: string): Promise<UserProfile | null> {
  return getDb().user.findUnique({ where: { email: normaliseEmail(email) }, select: profileSelect });
}

/**
 * Creates a user with a random WebAuthn user handle (never derived from the email). The display
 * name follows the DisplayName contract (no control or bidi characters, NFC, at most 128).
 * @throws ZodError for a display name the contract refuses
 */
export async function createUser(input: { email: string; displayName: string; role?: Role }): Promise<UserProfile> {
  return getDb().user.create({
    data: {
      email: normaliseEmail(input.email),
      displayName: DisplayName.parse(input.displayName),
      role: input.role ?? "user",
      webauthnUserId: randomBytes(32).toString("base64url"),
    },
    select: profileSelect,
  });
}

/** The user's role, read from the database (never from the cookie), or null for no such user. */
export async function getUserRole(userId: string): Promise<Role | null> {
  const row = await getDb().user.findUnique({ where: { id: userId }, select: { role: true } });
  return row?.role ?? null;
}
