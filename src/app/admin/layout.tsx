import type { Metadata } from "next";
import Link from "next/link";
import { SignOutButton } from "@/components/sign-out-button";
import { getAdminForLayout } from "@/server/admin/require-admin";

export const metadata: Metadata = { title: { template: "%s · Administration", default: "Administration" } };

/** The administrator area's frame. Each page also checks on its own: layouts are not re-run on every navigation. */
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const admin = await getAdminForLayout();
  // Signed out: the page's own check sends the visitor to sign-in and back to that page.
  if (!admin) return <>{children}</>;
  return (
    <>
      <header className="topbar">
        <span className="brand">Security Info · Administration</span>
        <span className="who">
          <span className="who-email">{admin.email}</span>
          <SignOutButton />
        </span>
      </header>
      <nav className="admin-nav" aria-label="Administration">
        <Link href="/admin/users">Users</Link>
        <Link href="/admin/policy">Passkey policy</Link>
        <Link href="/admin/reports">Reports</Link>
        <Link href="/admin/audit">Audit log</Link>
        <Link href="/security-info">My security info</Link>
      </nav>
      {children}
    </>
  );
}
