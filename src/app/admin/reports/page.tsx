import type { Metadata } from "next";
import Link from "next/link";
import { ReportBarChart } from "@/components/admin/report-bar-chart";
import { ReportDayChart, shortDay } from "@/components/admin/report-day-chart";
import { ReportRangeQuery, reportParams, type RegistrationTotals } from "@/contracts/admin-reports";
import { requireAdminPage } from "@/server/admin/require-admin";
import { getReportActivity } from "@/server/admin/reports/get-report-activity";

export const metadata: Metadata = { title: "Reports" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const n = (value: number) => value.toLocaleString("en-US");

function share(part: number, whole: number): string {
  return whole === 0 ? "" : `${Math.round((part / whole) * 100)}% of users`;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function busiest(days: string[], values: number[]): string {
  let best = -1;
  values.forEach((value, i) => {
    if (value > 0 && (best < 0 || value > values[best]!)) best = i;
  });
  return best < 0 ? "" : ` The busiest day was ${shortDay(days[best]!)} with ${n(values[best]!)}.`;
}

function TotalCards({ totals }: { totals: RegistrationTotals }) {
  const cards = [
    { label: "Users", value: totals.users, note: "", href: "/admin/reports/registrations" },
    { label: "With a passkey", value: totals.withPasskey, note: share(totals.withPasskey, totals.users), href: "/admin/reports/registrations?method=passkey" },
    {
      label: "Passwordless capable",
      value: totals.passwordlessCapable,
      note: share(totals.passwordlessCapable, totals.users),
      href: "/admin/reports/registrations?passwordless=yes",
    },
    { label: "MFA capable", value: totals.mfaCapable, note: share(totals.mfaCapable, totals.users), href: "/admin/reports/registrations?mfa=yes" },
  ];
  return (
    <ul className="report-totals">
      {cards.map((card) => (
        <li key={card.label} className="report-total">
          <Link href={card.href}>
            <span className="report-total-label">{card.label}</span>
            <span className="report-total-value">{n(card.value)}</span>
            {card.note && <span className="report-total-note">{card.note}</span>}
          </Link>
        </li>
      ))}
    </ul>
  );
}

export default async function ReportsPage({ searchParams }: { searchParams: SearchParams }) {
  await requireAdminPage("/admin/reports");
  const raw = reportParams(await searchParams);
  const parsed = ReportRangeQuery.safeParse({ from: raw.from, to: raw.to });
  const problem = parsed.success ? null : (parsed.error.issues[0]?.message ?? "Check the dates.");
  const activity = await getReportActivity(parsed.success ? parsed.data : {});
  const days = activity.registrations.map((d) => d.day);
  const period = `from ${shortDay(activity.from)} to ${shortDay(activity.to)} (UTC)`;

  const registered = activity.registrations.map((d) => d.passkeys);
  const signInSeries = [
    { key: "passkey", label: "Passkey", values: activity.signIns.map((d) => d.passkey) },
    { key: "passwordAndApp", label: "Password and app code", values: activity.signIns.map((d) => d.passwordAndApp) },
    { key: "password", label: "Password only", values: activity.signIns.map((d) => d.password) },
    { key: "tap", label: "Temporary Access Pass", values: activity.signIns.map((d) => d.tap) },
  ];
  const signInTotal = sum(signInSeries.map((s) => sum(s.values)));
  const passkeysNow = activity.deviceTypes.synced + activity.deviceTypes.deviceBound;
  const topProvider = activity.providers[0];

  return (
    <main id="main" className="page admin-page report-page">
      <h1>Reports</h1>
      <p className="lead">How people in your organization sign in, and how passkey adoption is going.</p>

      <section aria-labelledby="totals-heading" className="report-section">
        <h2 id="totals-heading">Sign-in methods today</h2>
        <TotalCards totals={activity.totals} />
        <p className="hint report-definitions">
          <strong>Passwordless capable</strong>: has at least one passkey the current passkey policy accepts.{" "}
          <strong>MFA capable</strong>: passwordless capable, or has a password and an authenticator app. A Temporary
          Access Pass is temporary, so it does not count.
        </p>
        <p>
          <Link href="/admin/reports/registrations">See registration details for each user</Link>
        </p>
      </section>

      <section aria-labelledby="activity-heading" className="report-section">
        <h2 id="activity-heading">Activity {period}</h2>
        <form className="report-range" method="get" action="/admin/reports" aria-label="Choose the days to show">
          <label>
            From
            <input name="from" type="date" defaultValue={parsed.success ? activity.from : (raw.from ?? "")} />
          </label>
          <label>
            To
            <input name="to" type="date" defaultValue={parsed.success ? activity.to : (raw.to ?? "")} />
          </label>
          <button type="submit" className="primary">
            Show
          </button>
          <Link href="/admin/reports">Last 30 days</Link>
        </form>
        <div className="messages" role="status">
          {problem && <p className="error">{problem} Showing the last 30 days.</p>}
        </div>

        <div className="report-charts">
          <ReportDayChart
            id="chart-registrations"
            title="Passkeys registered per day"
            caption="Passkeys registered per day, including passkeys deleted since"
            summary={`${n(sum(registered))} passkeys registered ${period}, including passkeys deleted since.${busiest(days, registered)}`}
            days={days}
            series={[{ key: "passkeys", label: "Passkeys registered", values: registered }]}
          />
          <ReportDayChart
            id="chart-signins"
            title="Sign-ins per day by method"
            caption="Successful sign-ins per day by method"
            summary={`${n(signInTotal)} successful sign-ins ${period}: ${signInSeries.map((s) => `${s.label} ${n(sum(s.values))}`).join(", ")}.`}
            days={days}
            series={signInSeries}
          />
          <ReportBarChart
            id="chart-providers"
            title="Passkeys by provider"
            caption="Passkeys that exist now, by provider"
            categoryHeading="Provider"
            summary={
              topProvider
                ? `${n(passkeysNow)} passkeys exist now from ${activity.providers.length} providers; the most from ${topProvider.name} (${n(topProvider.total)}).`
                : "No passkeys exist yet."
            }
            series={[
              { key: "synced", label: "Synced" },
              { key: "deviceBound", label: "Device-bound" },
            ]}
            categories={activity.providers.map((p) => ({ label: p.name, values: [p.synced, p.deviceBound] }))}
          />
          <ReportBarChart
            id="chart-device-types"
            title="Synced and device-bound passkeys"
            caption="Passkeys that exist now: synced or device-bound"
            categoryHeading="Kind"
            summary={`${n(activity.deviceTypes.synced)} synced passkeys and ${n(activity.deviceTypes.deviceBound)} device-bound passkeys exist now.`}
            series={[{ key: "passkeys", label: "Passkeys" }]}
            categories={[
              // The same colours as the provider chart's synced and device-bound parts.
              { label: "Synced", values: [activity.deviceTypes.synced], colorClass: "report-s0" },
              { label: "Device-bound", values: [activity.deviceTypes.deviceBound], colorClass: "report-s1" },
            ]}
          />
        </div>
        <p className="hint">
          Registrations and sign-ins come from the audit log, so a passkey deleted since still counts on the day it was
          added. Providers and synced or device-bound describe the passkeys that exist now. Synced passkeys can be backed
          up and used on a person&apos;s other devices; device-bound ones stay on one device or security key.
        </p>
      </section>
    </main>
  );
}
