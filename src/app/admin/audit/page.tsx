import type { Metadata } from "next";
import Link from "next/link";
import { EmailText } from "@/components/email-text";
import { AuditFilterQuery, AuditPageQuery, searchParamsObject, type AuditEventRow, type AuditPageResponse } from "@/contracts/admin-audit";
import { auditEventLabel } from "@/contracts/audit-labels";
import { listAuditEvents, listAuditEventTypes } from "@/server/admin/audit/list-audit-events";
import { requireAdminPage } from "@/server/admin/require-admin";
import { AppError } from "@/server/errors";

export const metadata: Metadata = { title: "Audit log" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const FILTER_KEYS = ["user", "type", "outcome", "from", "to"] as const;

/** The page's own address with the given filters and cursor. */
function pageHref(filter: AuditFilterQuery, extra: Record<string, string>): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) if (filter[key]) params.set(key, filter[key]);
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  return `/admin/audit?${params.toString()}`;
}

function exportHref(filter: AuditFilterQuery): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) if (filter[key]) params.set(key, filter[key]);
  const query = params.toString();
  return `/api/admin/audit/export${query ? `?${query}` : ""}`;
}

function who(email: string | null, id: string | null) {
  if (email) return <EmailText email={email} />;
  if (id) return <span className="audit-gone" title="This user no longer exists">{id}</span>;
  return <span className="hint">—</span>;
}

/** The event's details as labelled fields (names resolved on the server). */
function details(fields: AuditEventRow["fields"]) {
  if (fields.length === 0) return null;
  return (
    <dl className="audit-fields">
      {fields.map(({ label, value }, i) => (
        <div key={i}>
          <dt>{label}:</dt> <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A page of events, or an empty one with the reason when the page link's cursor is not valid. */
async function loadPage(query: AuditPageQuery): Promise<{ page: AuditPageResponse; problem: string | null }> {
  try {
    return { page: await listAuditEvents(query), problem: null };
  } catch (error) {
    if (error instanceof AppError && error.code === "INVALID_REQUEST") {
      return { page: { events: [], olderCursor: null, newerCursor: null }, problem: error.message };
    }
    throw error;
  }
}

export default async function AuditLogPage({ searchParams }: { searchParams: SearchParams }) {
  await requireAdminPage("/admin/audit");
  const raw = searchParamsObject(await searchParams);
  const parsed = AuditPageQuery.safeParse(raw);
  const query: AuditPageQuery = parsed.success ? parsed.data : {};
  // Filters that do not parse show the reason and no events, never the unfiltered log.
  const [types, listed] = await Promise.all([
    listAuditEventTypes(),
    parsed.success ? loadPage(query) : { page: { events: [], olderCursor: null, newerCursor: null }, problem: null },
  ]);
  const page = listed.page;
  const problem = parsed.success ? listed.problem : (parsed.error.issues[0]?.message ?? "Check the filters.");
  const filter: AuditFilterQuery = { user: query.user, type: query.type, outcome: query.outcome, from: query.from, to: query.to };
  const field = (key: (typeof FILTER_KEYS)[number]) => (parsed.success ? (filter[key] ?? "") : (raw[key] ?? ""));

  return (
    <main id="main" className="page audit-page">
      <h1>Audit log</h1>
      <p className="lead">Every sign-in, change to security info and administrator action, newest first.</p>

      <form className="audit-filters" method="get" action="/admin/audit" role="search" aria-label="Filter the audit log">
        <label>
          User
          <span className="hint">Email or user ID</span>
          <input name="user" type="search" defaultValue={field("user")} autoComplete="off" />
        </label>
        <label>
          Activity
          <select name="type" defaultValue={field("type")}>
            <option value="">All activities</option>
            {types.map((type) => (
              <option key={type} value={type}>
                {auditEventLabel(type)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Result
          <select name="outcome" defaultValue={field("outcome")}>
            <option value="">Any result</option>
            <option value="success">Success</option>
            <option value="failure">Failure</option>
          </select>
        </label>
        <label>
          From
          <input name="from" type="date" defaultValue={field("from")} />
        </label>
        <label>
          To
          <input name="to" type="date" defaultValue={field("to")} />
        </label>
        <div className="audit-filter-actions">
          <button type="submit" className="primary">
            Apply filters
          </button>
          <Link href="/admin/audit">Clear</Link>
          <a href={exportHref(filter)} download>
            Download CSV
          </a>
        </div>
      </form>

      <div className="messages" role="status">
        {problem && <p className="error">{problem}</p>}
      </div>

      {page.events.length === 0 ? (
        <p className="empty">No events match these filters.</p>
      ) : (
        <div className="audit-scroll" role="region" aria-labelledby="audit-caption" tabIndex={0}>
          <table className="audit-table stack-cards">
            <caption id="audit-caption">Audit events, newest first ({page.events.length} on this page)</caption>
            <thead>
              <tr>
                <th scope="col">Time (UTC)</th>
                <th scope="col">Activity</th>
                <th scope="col">Result</th>
                <th scope="col">Initiated by</th>
                <th scope="col">Target user</th>
                <th scope="col">IP address</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {page.events.map((event) => (
                <tr key={event.id}>
                  <th scope="row">
                    <time dateTime={event.at}>{event.at.replace("T", " ").slice(0, 19)}</time>
                  </th>
                  <td data-label="Activity" className="audit-activity">
                    {event.label}
                  </td>
                  <td data-label="Result">{event.outcome === "success" ? "Success" : "Failure"}</td>
                  <td data-label="Initiated by" className="user-email">
                    {who(event.actorEmail, event.actorId)}
                  </td>
                  <td data-label="Target user" className="user-email">
                    {who(event.subjectEmail, event.subjectUserId)}
                  </td>
                  <td data-label="IP address">{event.ip ?? ""}</td>
                  <td data-label="Details" className="audit-details">
                    {details(event.fields)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <nav className="audit-pages" aria-label="Audit log pages">
        {page.newerCursor && (
          <Link href={pageHref(filter, { cursor: page.newerCursor, direction: "newer" })} rel="prev">
            Newer
          </Link>
        )}
        {page.olderCursor && (
          <Link href={pageHref(filter, { cursor: page.olderCursor, direction: "older" })} rel="next">
            Next page
          </Link>
        )}
      </nav>
    </main>
  );
}
