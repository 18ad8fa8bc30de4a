import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { UserActions } from "@/components/admin/users-detail-actions";
import { formatUtc } from "@/components/admin/users-format";
import { requireAdminPage } from "@/server/admin/require-admin";
import { getAdminUserDetail } from "@/server/admin/users/get-admin-user-detail";
import { countUserPasskeys } from "@/server/admin/users/count-user-passkeys";

export const metadata: Metadata = { title: "User" };

export default async function AdminUserPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const admin = await requireAdminPage(`/admin/users/${id}`);
  const [user, adminPasskeys] = await Promise.all([getAdminUserDetail(id), countUserPasskeys(admin.userId)]);
  if (!user) notFound();
  return (
    <main id="main" className="page admin-page">
      <p>
        <Link href="/admin/users">Back to users</Link>
      </p>
      <h1>{user.displayName}</h1>
      <dl className="profile" aria-label="Profile">
        <dt>Email</dt>
        <dd>{user.email}</dd>
        <dt>Role</dt>
        <dd>{user.role === "admin" ? "Administrator" : "User"}</dd>
        <dt>Created</dt>
        <dd>{formatUtc(user.createdAt)}</dd>
        <dt>Last sign-in</dt>
        <dd>{user.lastSignInAt ? formatUtc(user.lastSignInAt) : "Never"}</dd>
        <dt>Active sessions</dt>
        <dd>{user.activeSessions}</dd>
        <dt>Sign-in lock</dt>
        <dd data-testid="sign-in-lock">
          {user.signInLock?.lockedUntil
            ? `Locked until ${formatUtc(user.signInLock.lockedUntil)} after too many failed attempts`
            : user.signInLock
              ? `Not locked, ${user.signInLock.failures} failed ${user.signInLock.failures === 1 ? "attempt" : "attempts"}`
              : "Not locked"}
        </dd>
      </dl>
      <h2>Other sign-in methods</h2>
      <ul className="methods other-admin-methods" aria-label="Other sign-in methods">
        <li className="method">
          <span />
          <span className="method-body">
            <span className="method-name">Password</span>
            <span className="method-provider">
              {user.password ? `Set${user.password.changedAt ? `, changed ${formatUtc(user.password.changedAt)}` : ""}` : "Not set"}
            </span>
          </span>
        </li>
        <li className="method">
          <span />
          <span className="method-body">
            <span className="method-name">Authenticator app</span>
            <span className="method-provider">{user.authenticatorApp ? `Added ${formatUtc(user.authenticatorApp.addedAt)}` : "Not added"}</span>
          </span>
        </li>
        <li className="method">
          <span />
          <span className="method-body">
            <span className="method-name">Temporary Access Pass</span>
            <span className="method-provider">
              {user.temporaryAccessPass
                ? `${user.temporaryAccessPass.usable ? "Usable" : "Expired or used"}, ${user.temporaryAccessPass.oneTime ? "one-time" : "reusable"}, expires ${formatUtc(user.temporaryAccessPass.expiresAt)}`
                : "None"}
            </span>
          </span>
        </li>
      </ul>
      <h2 className="actions-heading">Actions</h2>
      <UserActions userId={user.id} userEmail={user.email} adminEmail={admin.email} adminHasPasskeys={adminPasskeys > 0} passkeys={user.passkeys} signInLock={user.signInLock} />
    </main>
  );
}
