import type { Metadata } from "next";
import { AdminNav } from "@/components/admin/admin-nav";
import { SessionEnded } from "@/components/session-ended";
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
      <AdminNav />
      {children}
      <SessionEnded />
    </>
  );
}
