import "server-only";
import type { RegistrationFilterQuery, RegistrationRow } from "@/contracts/admin-reports";
import { getPasskeyPolicy } from "../../policy/passkey-policy";
import { registrationConditions } from "./registration-conditions";
import { selectRegistrationRows } from "./select-registration-rows";

/**
 * Every matching user in (email, id) order, `batchSize` at a time by keyset: for exports that must
 * never hold the whole table in memory. The policy, the profiles it accepts and the clock are read
 * once, so every batch applies the same definitions.
 */
export async function* iterateRegistrations(
  filter: RegistrationFilterQuery,
  { batchSize = 1000, now = new Date() }: { batchSize?: number; now?: Date } = {},
): AsyncGenerator<RegistrationRow[]> {
  const policy = await getPasskeyPolicy();
  const { where } = await registrationConditions(filter, policy, now);
  let after: { email: string; id: string } | null = null;
  for (;;) {
    const rows: RegistrationRow[] = await selectRegistrationRows(where, policy, { after }, batchSize, now);
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < batchSize) return;
    const last = rows[rows.length - 1]!;
    after = { email: last.email, id: last.id };
  }
}
