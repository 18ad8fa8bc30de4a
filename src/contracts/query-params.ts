import { z } from "zod";

/** A calendar date in a query string, YYYY-MM-DD. */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date as YYYY-MM-DD.")
  // Date.parse rolls 2031-02-30 over to March; a real date survives the round trip.
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
  }, "Not a calendar date.");

/** An empty query parameter (a form field left blank) means "no filter": read it as absent. */
export const blankAsAbsent = (value: unknown) => (value === "" ? undefined : value);
