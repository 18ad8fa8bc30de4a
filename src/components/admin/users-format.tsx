/** Dates on the administrators' pages: one fixed format and zone, the same on server and client. */
export function formatUtc(iso: string): string {
  return `${new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" })} UTC`;
}
