import { z } from "zod";
import type { PolicyVerdict } from "./policy";
import { lineOfText, searchText } from "./text";

export const USER_LIST_PAGE_SIZE = 50;

/** Searches and filters are counted up to this many matches; beyond it the list says "More than". */
export const USER_COUNT_CAP = 1_000;

/** The longest display name, in characters as people see them after NFC (the same count as passkey names). */
export const DISPLAY_NAME_MAX_LENGTH = 128;

/** A person's display name, wherever one is accepted (seed, tools, administrators). */
export const DisplayName = lineOfText({ max: DISPLAY_NAME_MAX_LENGTH, required: "Enter a display name." });

export const UserListFilter = z.enum(["all", "has-passkey", "no-passkey", "campaign-pending"]);
export type UserListFilter = z.infer<typeof UserListFilter>;

/**
 * The administrators' user search. `after` / `before` are opaque cursors taken from a previous
 * page's `nextCursor` / `previousCursor`; at most one of them.
 */
export const ListUsersQuery = z
  .object({
    q: searchText(254).optional().default(""),
    filter: UserListFilter.optional().default("all"),
    after: z.string().max(512).optional(),
    before: z.string().max(512).optional(),
  })
  .strict()
  .refine((value) => !(value.after && value.before), "Give either after or before, not both.");
export type ListUsersQuery = z.infer<typeof ListUsersQuery>;

export interface AdminUserRow {
  id: string;
  email: string;
  displayName: string;
  role: "user" | "admin";
  passkeys: number;
  hasPassword: boolean;
  hasAuthenticatorApp: boolean;
  lastSignInAt: string | null;
}

export interface ListUsersResponse {
  users: AdminUserRow[];
  /**
   * Users matching the search and filter: `approximate` when it is PostgreSQL's estimate (the
   * unfiltered list of a large directory); `capped` when more than `count` (USER_COUNT_CAP) match,
   * since counting stops there.
   */
  total: { count: number; approximate: boolean; capped: boolean };
  nextCursor: string | null;
  previousCursor: string | null;
}

export const IssueUserTapBody = z
  .object({
    lifetimeMinutes: z.number().int("Use a whole number of minutes.").min(10).max(480),
    oneTime: z.boolean(),
  })
  .strict();
export type IssueUserTapBody = z.infer<typeof IssueUserTapBody>;

export interface AdminPasskeyDetail {
  id: string;
  name: string;
  aaguid: string;
  providerName: string;
  providerIconLight: string;
  providerIconDark: string;
  /** Synced (backup eligible, "multiDevice") or bound to one authenticator. */
  synced: boolean;
  backedUp: boolean;
  attestationFormat: string;
  attestationVerified: boolean;
  /**
   * Whether the authenticator has ever verified the user with it (UV flag, at registration or a
   * sign-in). A sign-in without user verification is single-factor.
   */
  userVerified: boolean;
  transports: string[];
  createdAt: string;
  lastUsedAt: string | null;
  /** Whether the current passkey policy would still accept it, and which rule refuses it if not. */
  policy: PolicyVerdict;
}

export interface AdminUserDetail {
  id: string;
  email: string;
  displayName: string;
  role: "user" | "admin";
  createdAt: string;
  lastSignInAt: string | null;
  passkeys: AdminPasskeyDetail[];
  password: { changedAt: string | null } | null;
  authenticatorApp: { addedAt: string } | null;
  temporaryAccessPass: { expiresAt: string; oneTime: boolean; usable: boolean } | null;
  activeSessions: number;
  /** Failed pass, password or code attempts counted on the account, and its lock while one runs; null when none. */
  signInLock: { failures: number; lockedUntil: string | null } | null;
}
