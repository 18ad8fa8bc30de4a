import "server-only";
import { DEFAULT_REPORT_DAYS, type ReportRangeQuery } from "@/contracts/admin-reports";

const DAY_MS = 86_400_000;

/**
 * The UTC days a report covers, oldest first: the query's range, or the last 30 days ending today.
 * A range given by only one end runs 30 days from (or to) that end.
 */
export function reportDays(range: ReportRangeQuery, now = new Date()): string[] {
  const today = Date.parse(`${now.toISOString().slice(0, 10)}T00:00:00.000Z`);
  const span = (DEFAULT_REPORT_DAYS - 1) * DAY_MS;
  const parse = (day: string) => Date.parse(`${day}T00:00:00.000Z`);
  const to = range.to ? parse(range.to) : range.from ? parse(range.from) + span : today;
  const from = range.from ? parse(range.from) : to - span;
  const days: string[] = [];
  for (let at = from; at <= to; at += DAY_MS) days.push(new Date(at).toISOString().slice(0, 10));
  return days;
}
