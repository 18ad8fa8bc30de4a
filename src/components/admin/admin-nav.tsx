"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const PAGES = [
  { href: "/admin/users", label: "Users" },
  { href: "/admin/policy", label: "Passkey policy" },
  { href: "/admin/reports", label: "Reports" },
  { href: "/admin/audit", label: "Audit log" },
] as const;

/** The administration pages, the current one marked (aria-current), and the way back to the user's own. */
export function AdminNav() {
  const pathname = usePathname();
  return (
    <nav className="admin-nav" aria-label="Administration">
      {PAGES.map(({ href, label }) => {
        const current = pathname === href || pathname.startsWith(`${href}/`);
        return (
          <Link key={href} href={href} aria-current={current ? "page" : undefined}>
            {label}
          </Link>
        );
      })}
      <Link href="/security-info" className="admin-nav-own">
        My security info
      </Link>
    </nav>
  );
}
