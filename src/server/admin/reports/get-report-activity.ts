import "server-only";
import type { ProviderCount, RegistrationDay, ReportActivityResponse, ReportRangeQuery, SignInDay } from "@/contracts/admin-reports";
import { getDb } from "../../db";
import { getPasskeyProvider } from "../../webauthn/providers";
import { getRegistrationTotals } from "./get-registration-totals";
import { getDayCounts } from "./report-day-counts";
import { reportDays } from "./report-days";

/** Providers drawn one by one; the rest are added up as "Other providers". */
export const TOP_PROVIDERS = 8;

/**
 * The charts of /admin/reports for a range of UTC days, every day present (zero when nothing
 * happened). Per-day counts come from the audit log's successful events (ended days counted once
 * and kept, see report-day-counts.ts), so a passkey deleted since still counts on the day it was
 * registered; the provider and synced charts describe the passkeys that exist now.
 */
export async function getReportActivity(range: ReportRangeQuery, now = new Date()): Promise<ReportActivityResponse> {
  const days = reportDays(range, now);
  const db = getDb();
  const [dayCounts, passkeyRows, totals] = await Promise.all([
    getDayCounts(days),
    // Kept by triggers on "Passkey" (docs/decisions/018-report-summaries.md): one row per kind and shard.
    db.$queryRaw<Array<{ aaguid: string; synced: boolean; n: number }>>`
      SELECT k."aaguid", (k."deviceType" = 'multiDevice'::"CredentialDeviceType") AS "synced", sum(c."passkeys")::int AS "n"
      FROM "PasskeyKindCount" AS c JOIN "PasskeyKind" AS k ON k."id" = c."kindId"
      GROUP BY 1, 2
      HAVING sum(c."passkeys") <> 0`,
    getRegistrationTotals(),
  ]);

  const zero = { registrations: 0, passkey: 0, passwordAndApp: 0, password: 0, tap: 0 };
  const registrations: RegistrationDay[] = days.map((day) => ({ day, passkeys: (dayCounts.get(day) ?? zero).registrations }));
  const signIns: SignInDay[] = days.map((day) => {
    const counts = dayCounts.get(day) ?? zero;
    return { day, passkey: counts.passkey, passwordAndApp: counts.passwordAndApp, password: counts.password, tap: counts.tap };
  });

  const byName = new Map<string, ProviderCount>();
  const deviceTypes = { synced: 0, deviceBound: 0 };
  for (const row of passkeyRows) {
    const name = getPasskeyProvider(row.aaguid).name;
    const entry = byName.get(name) ?? { name, total: 0, synced: 0, deviceBound: 0 };
    entry.total += row.n;
    if (row.synced) entry.synced += row.n;
    else entry.deviceBound += row.n;
    byName.set(name, entry);
    if (row.synced) deviceTypes.synced += row.n;
    else deviceTypes.deviceBound += row.n;
  }
  const ranked = [...byName.values()].sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
  const providers = ranked.slice(0, TOP_PROVIDERS);
  const rest = ranked.slice(TOP_PROVIDERS);
  if (rest.length > 0) {
    providers.push(
      rest.reduce<ProviderCount>(
        (sum, p) => ({ name: "Other providers", total: sum.total + p.total, synced: sum.synced + p.synced, deviceBound: sum.deviceBound + p.deviceBound }),
        { name: "Other providers", total: 0, synced: 0, deviceBound: 0 },
      ),
    );
  }

  return { from: days[0]!, to: days.at(-1)!, registrations, signIns, providers, deviceTypes, totals };
}
