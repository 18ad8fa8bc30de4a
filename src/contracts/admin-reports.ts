import { z } from "zod";
import { blankAsAbsent, IsoDate } from "./query-params";
import { searchText } from "./text";

export const REGISTRATION_PAGE_SIZE = 50;
/** The longest date range the activity charts draw, in days. */
export const MAX_REPORT_DAYS = 366;
/** The default date range: this many UTC days, ending today. */
export const DEFAULT_REPORT_DAYS = 30;

/** Which sign-in method a user has registered ("none": no passkey, password or authenticator app). */
export const RegistrationMethodFilter = z.enum(["any", "passkey", "password", "authenticator-app", "tap", "none"]);
export type RegistrationMethodFilter = z.infer<typeof RegistrationMethodFilter>;

export const YesNoFilter = z.enum(["any", "yes", "no"]);
export type YesNoFilter = z.infer<typeof YesNoFilter>;

const registrationFilterFields = {
  /** The start of the email address (case-insensitive). */
  q: z.preprocess(blankAsAbsent, searchText(254).optional()),
  method: z.preprocess(blankAsAbsent, RegistrationMethodFilter.default("any")),
  passwordless: z.preprocess(blankAsAbsent, YesNoFilter.default("any")),
  mfa: z.preprocess(blankAsAbsent, YesNoFilter.default("any")),
};

/** Filters of the registration details report, from the page's form or the API's query string. */
export const RegistrationFilterQuery = z.object(registrationFilterFields).strict();
export type RegistrationFilterQuery = z.infer<typeof RegistrationFilterQuery>;

const cursor = z.preprocess(blankAsAbsent, z.string().max(512).regex(/^[A-Za-z0-9_-]+$/, "Not a page cursor.").optional());

/** A page of the report: the filters, plus `after` / `before` from a previous page's cursors (at most one). */
export const RegistrationPageQuery = z
  .object({ ...registrationFilterFields, after: cursor, before: cursor })
  .strict()
  .refine((value) => !(value.after && value.before), "Give either after or before, not both.");
export type RegistrationPageQuery = z.infer<typeof RegistrationPageQuery>;

/** The activity charts' date range: whole UTC days, both ends included; the last 30 days by default. */
export const ReportRangeQuery = z
  .object({
    from: z.preprocess(blankAsAbsent, IsoDate.optional()),
    to: z.preprocess(blankAsAbsent, IsoDate.optional()),
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: "The start date is after the end date.", path: ["from"] })
  .refine((q) => !q.from || !q.to || (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 < MAX_REPORT_DAYS, {
    message: `Choose at most ${MAX_REPORT_DAYS} days.`,
    path: ["from"],
  });
export type ReportRangeQuery = z.infer<typeof ReportRangeQuery>;

/** A user's registered methods and what they make the user capable of. */
export interface RegistrationRow {
  id: string;
  email: string;
  displayName: string;
  role: "user" | "admin";
  /** All the user's passkeys. */
  passkeys: number;
  /** The passkeys the current passkey policy accepts for this user (they can sign in with them). */
  acceptedPasskeys: number;
  password: boolean;
  /** A confirmed authenticator app. */
  authenticatorApp: boolean;
  /** The user's Temporary Access Pass: still usable, used up or expired, or none. */
  temporaryAccessPass: "usable" | "unusable" | null;
  /** Has at least one passkey the current policy accepts. */
  passwordlessCapable: boolean;
  /** Passwordless capable, or password + confirmed authenticator app. A pass does not count. */
  mfaCapable: boolean;
  createdAt: string;
  lastSignInAt: string | null;
}

export interface RegistrationPageResponse {
  users: RegistrationRow[];
  /** Users matching the filters (exact). */
  matching: number;
  nextCursor: string | null;
  previousCursor: string | null;
}

export interface RegistrationTotals {
  users: number;
  withPasskey: number;
  withPassword: number;
  withAuthenticatorApp: number;
  passwordlessCapable: number;
  mfaCapable: number;
}

export interface RegistrationDay {
  /** YYYY-MM-DD (UTC). */
  day: string;
  passkeys: number;
}

export const SIGN_IN_METHODS = ["passkey", "passwordAndApp", "password", "tap"] as const;
export type SignInMethodKey = (typeof SIGN_IN_METHODS)[number];

export interface SignInDay extends Record<SignInMethodKey, number> {
  day: string;
}

export interface ProviderCount {
  /** The provider's name (AAGUIDs that share a name are added together), or "Other providers". */
  name: string;
  total: number;
  synced: number;
  deviceBound: number;
}

export interface ReportActivityResponse {
  from: string;
  to: string;
  /** Successful passkey registrations per UTC day (from the audit log: passkeys deleted since still count). */
  registrations: RegistrationDay[];
  /** Successful sign-ins per UTC day, by method. */
  signIns: SignInDay[];
  /** Passkeys that exist now, by provider (largest first). */
  providers: ProviderCount[];
  /** Passkeys that exist now: synced (backup eligible) or device-bound. */
  deviceTypes: { synced: number; deviceBound: number };
  totals: RegistrationTotals;
}

/** Turns query-string parameters into a plain object for the schemas (the first of repeated keys). */
export function reportParams(params: URLSearchParams | Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = params instanceof URLSearchParams ? [...params.entries()] : Object.entries(params);
  for (const [key, value] of entries) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined && !(key in out)) out[key] = first;
  }
  return out;
}
