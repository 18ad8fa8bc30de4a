import { z } from "zod";

/** The first and last days a date filter takes: PostgreSQL refuses year 0 and a day after 9999-12-31. */
const FIRST_DAY = "1970-01-01";
const LAST_DAY = "9999-12-30";

/** A calendar date in a query string, YYYY-MM-DD. */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date as YYYY-MM-DD.")
  // Date.parse rolls 2031-02-30 over to March; a real date survives the round trip.
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
  }, "Not a calendar date.")
  // Filters run to the end of the `to` day, so the last day is one before PostgreSQL's last.
  .refine((value) => value >= FIRST_DAY && value <= LAST_DAY, `Use a date from ${FIRST_DAY} to ${LAST_DAY}.`);

/** An empty query parameter (a form field left blank) means "no filter": read it as absent. */
export const blankAsAbsent = (value: unknown) => (value === "" ? undefined : value);
