import "server-only";
import type { AuditEventRow, AuditFilterQuery } from "@/contracts/admin-audit";
import { csvField } from "./csv-field";
import { iterateAuditEvents } from "./list-audit-events";

export const AUDIT_CSV_COLUMNS = ["time", "type", "outcome", "actor", "actor_id", "subject", "subject_id", "ip", "details"] as const;

export function auditCsvLine(event: AuditEventRow): string {
  return [
    event.at,
    event.type,
    event.outcome,
    event.actorEmail,
    event.actorId,
    event.subjectEmail,
    event.subjectUserId,
    event.ip,
    JSON.stringify(event.details ?? {}),
  ]
    .map(csvField)
    .join(",");
}

/**
 * The filtered log as CSV, produced while the client reads it: each pull fetches the next keyset
 * batch, so only one batch is ever in memory.
 */
export function streamAuditCsv(filter: AuditFilterQuery, batchSize = 1000): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let batches: AsyncGenerator<AuditEventRow[]> | null = null;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`${AUDIT_CSV_COLUMNS.join(",")}\r\n`));
    },
    async pull(controller) {
      batches ??= iterateAuditEvents(filter, batchSize);
      const next = await batches.next();
      if (next.done) {
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(next.value.map((event) => `${auditCsvLine(event)}\r\n`).join("")));
    },
    async cancel() {
      await batches?.return(undefined);
    },
  });
}
