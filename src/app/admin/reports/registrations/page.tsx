import type { Metadata } from "next";
import Link from "next/link";
import { formatUtc } from "@/components/admin/users-format";
import {
  RegistrationPageQuery,
  reportParams,
  type RegistrationFilterQuery,
  type RegistrationMethodFilter,
  type RegistrationPageResponse,
  type RegistrationRow,
  type YesNoFilter,
} from "@/contracts/admin-reports";
import { requireAdminPage } from "@/server/admin/require-admin";
import { listRegistrations } from "@/server/admin/reports/list-registrations";
import { AppError } from "@/server/errors";

export const metadata: Metadata = { title: "Registration details" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const METHODS: Array<{ value: RegistrationMethodFilter; label: string }> = [
  { value: "any", label: "Any" },
  { value: "passkey", label: "Passkey" },
  { value: "password", label: "Password" },
  { value: "authenticator-app", label: "Authenticator app" },
  { value: "tap", label: "Usable Temporary Access Pass" },
  { value: "none", label: "None (no passkey, password or app)" },
];

const YES_NO: Array<{ value: YesNoFilter; label: string }> = [
  { value: "any", label: "Any" },
  { value: "yes", label: "Yes" },
  { value: "no", label: "No" },
];

const DEFAULTS = RegistrationPageQuery.parse({});

function filterParams(filter: RegistrationFilterQuery): URLSearchParams {
  const params = new URLSearchParams();
  if (filter.q) params.set("q", filter.q);
  if (filter.method !== "any") params.set("method", filter.method);
  if (filter.passwordless !== "any") params.set("passwordless", filter.passwordless);
  if (filter.mfa !== "any") params.set("mfa", filter.mfa);
  return params;
}

function withQuery(path: string, params: URLSearchParams): string {
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

function methodsText(row: RegistrationRow): string {
  const methods = [
    row.passkeys > 0 && (row.passkeys === 1 ? "1 passkey" : `${row.passkeys} passkeys`),
    row.password && "Password",
    row.authenticatorApp && "Authenticator app",
    row.temporaryAccessPass === "usable" && "Temporary Access Pass",
  ].filter(Boolean);
  return methods.length > 0 ? methods.join(", ") : "None";
}

function passwordlessText(row: RegistrationRow): string {
  if (row.passwordlessCapable) return "Yes";
  return row.passkeys > 0 ? "No (policy refuses their passkeys)" : "No";
}

export default async function RegistrationDetailsPage({ searchParams }: { searchParams: SearchParams }) {
  await requireAdminPage("/admin/reports/registrations");
  const raw = reportParams(await searchParams);
  const parsed = RegistrationPageQuery.safeParse({
    q: raw.q,
    method: raw.method,
    passwordless: raw.passwordless,
    mfa: raw.mfa,
    after: raw.after,
    before: raw.before,
  });
  let problem = parsed.success ? null : `${parsed.error.issues[0]?.message ?? "Check the filters."} Showing all users.`;
  const query = parsed.success ? parsed.data : DEFAULTS;
  let result: RegistrationPageResponse;
  try {
    result = await listRegistrations(query);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== "INVALID_REQUEST") throw error;
    problem = error.message;
    result = await listRegistrations({ ...query, after: undefined, before: undefined });
  }
  const filter: RegistrationFilterQuery = { q: query.q, method: query.method, passwordless: query.passwordless, mfa: query.mfa };
  const base = filterParams(filter);
  const pageLink = (key: "after" | "before", cursor: string) => {
    const params = new URLSearchParams(base);
    params.set(key, cursor);
    return withQuery("/admin/reports/registrations", params);
  };
  const narrowed = base.toString() !== "";
  const matching = result.matching.toLocaleString("en-US");

  return (
    <main id="main" className="page admin-page report-page">
      <p className="report-back">
        <Link href="/admin/reports">Reports</Link>
      </p>
      <h1>Registration details</h1>
      <p className="lead">
        Each user&apos;s sign-in methods. <strong>Passwordless capable</strong>: has a passkey the current passkey policy
        accepts. <strong>MFA capable</strong>: passwordless capable, or a password and an authenticator app (a Temporary
        Access Pass does not count: it is temporary).
      </p>

      <form className="audit-filters" method="get" action="/admin/reports/registrations" role="search" aria-label="Filter registration details">
        <label>
          Email starts with
          <input name="q" type="search" defaultValue={query.q ?? ""} autoComplete="off" maxLength={254} />
        </label>
        <label>
          Method registered
          <select name="method" defaultValue={query.method}>
            {METHODS.map((m) => (
              <option key={m.value} value={m.value}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Passwordless capable
          <select name="passwordless" defaultValue={query.passwordless}>
            {YES_NO.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          MFA capable
          <select name="mfa" defaultValue={query.mfa}>
            {YES_NO.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <div className="audit-filter-actions">
          <button type="submit" className="primary">
            Apply filters
          </button>
          <Link href="/admin/reports/registrations">Clear</Link>
          <a href={withQuery("/api/admin/reports/registrations/export", base)} download>
            Download CSV
          </a>
        </div>
      </form>

      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <p className="user-count" role="status">
        {narrowed ? `${matching} matching ${result.matching === 1 ? "user" : "users"}` : `${matching} ${result.matching === 1 ? "user" : "users"}`}
      </p>

      {result.users.length === 0 ? (
        <p className="empty">No users match these filters.</p>
      ) : (
        <div className="table-scroll report-cards-scroll" role="region" aria-labelledby="registrations-caption" tabIndex={0}>
          <table className="users-table report-cards">
            <caption id="registrations-caption" className="visually-hidden">
              Registration details ({result.users.length} on this page)
            </caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Methods registered</th>
                <th scope="col">Passwordless capable</th>
                <th scope="col">MFA capable</th>
                <th scope="col">Last sign-in</th>
              </tr>
            </thead>
            <tbody>
              {result.users.map((row) => (
                <tr key={row.id}>
                  <th scope="row" data-label="User">
                    <Link href={`/admin/users/${row.id}`}>{row.displayName}</Link>
                    <span className="user-email">{row.email}</span>
                  </th>
                  <td data-label="Methods registered">{methodsText(row)}</td>
                  <td data-label="Passwordless capable">{passwordlessText(row)}</td>
                  <td data-label="MFA capable">{row.mfaCapable ? "Yes" : "No"}</td>
                  <td data-label="Last sign-in">{row.lastSignInAt ? formatUtc(row.lastSignInAt) : "Never"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className="pager" aria-label="Pages">
        {result.previousCursor ? <Link href={pageLink("before", result.previousCursor)}>Previous</Link> : <span aria-hidden="true" />}
        {result.nextCursor ? <Link href={pageLink("after", result.nextCursor)}>Next</Link> : <span aria-hidden="true" />}
      </nav>
    </main>
  );
}
