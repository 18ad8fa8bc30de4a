import type { Metadata } from "next";
import Link from "next/link";
import { EmailText } from "@/components/email-text";
import { formatUtc } from "@/components/admin/users-format";
import { ListUsersQuery, type ListUsersResponse, type UserListFilter } from "@/contracts/admin-users";
import { requireAdminPage } from "@/server/admin/require-admin";
import { AppError } from "@/server/errors";
import { listUsers } from "@/server/admin/users/list-users";

export const metadata: Metadata = { title: "Users" };

const FILTERS: Array<{ value: UserListFilter; label: string }> = [
  { value: "all", label: "All users" },
  { value: "has-passkey", label: "Has a passkey" },
  { value: "no-passkey", label: "Has no passkey" },
  { value: "campaign-pending", label: "Registration campaign pending" },
];

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AdminUsersPage({ searchParams }: { searchParams: SearchParams }) {
  await requireAdminPage("/admin/users");
  const raw = await searchParams;
  const pick = (key: string) => (typeof raw[key] === "string" && raw[key] !== "" ? raw[key] : undefined);
  const parsed = ListUsersQuery.safeParse({ q: pick("q"), filter: pick("filter"), after: pick("after"), before: pick("before") });
  const query = parsed.success ? parsed.data : ListUsersQuery.parse({});
  let result: ListUsersResponse | null = null;
  let problem = parsed.success ? null : "That search is not valid. Showing all users.";
  try {
    result = await listUsers(query);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== "INVALID_REQUEST") throw error;
    problem = error.message;
    result = await listUsers({ ...query, after: undefined, before: undefined });
  }
  const link = (cursor: { after?: string; before?: string }) => {
    const params = new URLSearchParams();
    if (query.q) params.set("q", query.q);
    if (query.filter !== "all") params.set("filter", query.filter);
    if (cursor.after) params.set("after", cursor.after);
    if (cursor.before) params.set("before", cursor.before);
    return `/admin/users?${params.toString()}`;
  };
  const { count, approximate, capped } = result.total;
  return (
    <main id="main" className="page admin-page">
      <h1>Users</h1>
      <p className="lead">Find a user to see their sign-in methods and manage their passkeys.</p>
      <form className="user-search" method="get" action="/admin/users" role="search">
        <div className="user-search-field">
          <label htmlFor="user-search-q">Search by email or name</label>
          <span className="hint" id="user-search-hint">The start of an email address or a display name</span>
          <input id="user-search-q" name="q" type="search" defaultValue={query.q} aria-describedby="user-search-hint" autoComplete="off" maxLength={254} />
        </div>
        <div className="user-search-field">
          <label htmlFor="user-search-filter">Show</label>
          <select id="user-search-filter" name="filter" defaultValue={query.filter}>
            {FILTERS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="primary">
          Search
        </button>
      </form>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <p className="user-count" role="status">
        {countText(count, { approximate, capped, narrowed: Boolean(query.q) || query.filter !== "all" })}
      </p>
      {result.users.length === 0 ? (
        <p className="empty">No users found.</p>
      ) : (
        <div className="table-scroll" role="region" aria-label="Users" tabIndex={0}>
          <table className="users-table stack-cards">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Passkeys</th>
                <th scope="col">Other methods</th>
                <th scope="col">Last sign-in</th>
              </tr>
            </thead>
            <tbody>
              {result.users.map((user) => (
                <tr key={user.id}>
                  <td className="card-title">
                    <Link href={`/admin/users/${user.id}`}>{user.displayName}</Link>
                  </td>
                  <td className="user-email" data-label="Email">
                    <EmailText email={user.email} />
                  </td>
                  <td data-label="Role">{user.role === "admin" ? "Administrator" : "User"}</td>
                  <td data-label="Passkeys">{user.passkeys}</td>
                  <td data-label="Other methods">{otherMethods(user) || "None"}</td>
                  <td data-label="Last sign-in">{user.lastSignInAt ? formatUtc(user.lastSignInAt) : "Never"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className="pager" aria-label="Pages">
        {result.previousCursor ? <Link href={link({ before: result.previousCursor })}>Previous</Link> : <span aria-hidden="true" />}
        {result.nextCursor ? <Link href={link({ after: result.nextCursor })}>Next</Link> : <span aria-hidden="true" />}
      </nav>
    </main>
  );
}

function countText(count: number, how: { approximate: boolean; capped: boolean; narrowed: boolean }): string {
  const n = count.toLocaleString("en-US");
  const users = count === 1 ? "user" : "users";
  if (how.approximate) return `About ${n} ${users}`;
  const counted = how.narrowed ? `${n} matching ${users}` : `${n} ${users}`;
  return how.capped ? `More than ${counted}` : counted;
}

function otherMethods(user: { hasPassword: boolean; hasAuthenticatorApp: boolean }): string {
  return [user.hasPassword && "Password", user.hasAuthenticatorApp && "Authenticator app"].filter(Boolean).join(", ");
}
