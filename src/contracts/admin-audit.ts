import { z } from "zod";
import type { AuditDetailField } from "./audit-labels";
import { blankAsAbsent, IsoDate } from "./query-params";
import { searchText } from "./text";

export const AUDIT_PAGE_SIZE = 50;

/** An empty query parameter (a form field left blank) means "no filter". */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankAsAbsent, schema.optional());

/** Filters of the audit log, from the page's form or the API's query string. */
export const AuditFilterQuery = z
  .object({
    user: optional(searchText(254).min(1)),
    type: optional(z.string().trim().regex(/^[a-z0-9_.-]{1,64}$/i, "Not an event type.")),
    outcome: optional(z.enum(["success", "failure"])),
    from: optional(IsoDate),
    to: optional(IsoDate),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: "The start date is after the end date.", path: ["from"] });
export type AuditFilterQuery = z.infer<typeof AuditFilterQuery>;

/** A page of the log: the filters, plus where to continue (older after `cursor`, or newer before it). */
export const AuditPageQuery = z.intersection(
  AuditFilterQuery,
  z.object({
    cursor: optional(z.string().max(200).regex(/^[A-Za-z0-9_-]+$/, "Not a page cursor.")),
    direction: optional(z.enum(["older", "newer"])),
  }),
);
export type AuditPageQuery = z.infer<typeof AuditPageQuery>;

export interface AuditEventRow {
  id: string;
  at: string;
  type: string;
  outcome: string;
  actorId: string | null;
  actorEmail: string | null;
  subjectUserId: string | null;
  subjectEmail: string | null;
  ip: string | null;
  /** The raw details, as recorded (and exported). */
  details: unknown;
  /** The activity in words ("Signed in with a Temporary Access Pass"). */
  label: string;
  /** The details as labelled fields, names resolved. */
  fields: AuditDetailField[];
}

export interface AuditPageResponse {
  events: AuditEventRow[];
  /** Continue with older events (`direction=older`), or null on the last page. */
  olderCursor: string | null;
  /** Go back to newer events (`direction=newer`), or null on the first page. */
  newerCursor: string | null;
}

/** Turns query-string parameters into a plain object for the schemas (the first of repeated keys). */
export function searchParamsObject(params: URLSearchParams | Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = params instanceof URLSearchParams ? [...params.entries()] : Object.entries(params);
  for (const [key, value] of entries) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined && !(key in out)) out[key] = first;
  }
  return out;
}
