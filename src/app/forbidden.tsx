import Link from "next/link";

/** Shown with status 403 when a signed-in user opens a page that is not for them. */
export default function Forbidden() {
  return (
    <main id="main" className="narrow">
      <p className="brand">Security Info</p>
      <div className="card">
        <h1>You don&apos;t have access to this page</h1>
        <p>Only administrators can open it. If you need access, ask your administrator.</p>
        <p>
          <Link href="/security-info">Go to your security info</Link>
        </p>
      </div>
    </main>
  );
}
