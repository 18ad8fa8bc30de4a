import "server-only";
import type { RegistrationFilterQuery, RegistrationRow } from "@/contracts/admin-reports";
import { csvField } from "../audit/csv-field";
import { iterateRegistrations } from "./iterate-registrations";

export const REGISTRATION_CSV_COLUMNS = [
  "email",
  "display_name",
  "user_id",
  "role",
  "passkeys",
  "passkeys_accepted_by_policy",
  "password",
  "authenticator_app",
  "temporary_access_pass",
  "passwordless_capable",
  "mfa_capable",
  "created_at",
  "last_sign_in_at",
] as const;

const yesNo = (value: boolean) => (value ? "yes" : "no");

function registrationCsvLine(row: RegistrationRow): string {
  return [
    row.email,
    row.displayName,
    row.id,
    row.role,
    String(row.passkeys),
    String(row.acceptedPasskeys),
    yesNo(row.password),
    yesNo(row.authenticatorApp),
    row.temporaryAccessPass ?? "none",
    yesNo(row.passwordlessCapable),
    yesNo(row.mfaCapable),
    row.createdAt,
    row.lastSignInAt,
  ]
    .map(csvField)
    .join(",");
}

/**
 * The filtered registration details as CSV, produced while the client reads it: each pull fetches
 * the next keyset batch, so only one batch is ever in memory.
 */
export function streamRegistrationsCsv(
  filter: RegistrationFilterQuery,
  options: { batchSize?: number; now?: Date } = {},
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let batches: AsyncGenerator<RegistrationRow[]> | null = null;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`${REGISTRATION_CSV_COLUMNS.join(",")}\r\n`));
    },
    async pull(controller) {
      batches ??= iterateRegistrations(filter, options);
      const next = await batches.next();
      if (next.done) {
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(next.value.map((row) => `${registrationCsvLine(row)}\r\n`).join("")));
    },
    async cancel() {
      await batches?.return(undefined);
    },
  });
}
