import "server-only";
import { Prisma } from "@/generated/prisma/client";

// Times computed in SQL from epoch milliseconds, so the session's time zone never enters.

/** A `timestamp` (without time zone) column's value: UTC wall time, as Prisma stores DateTime. */
export function sqlTimestamp(at: Date | number): Prisma.Sql {
  return Prisma.sql`(to_timestamp(${+at}::double precision / 1000) AT TIME ZONE 'UTC')`;
}

/** A `timestamptz` column's value. */
export function sqlTimestamptz(at: Date | number): Prisma.Sql {
  return Prisma.sql`to_timestamp(${+at}::double precision / 1000)`;
}
