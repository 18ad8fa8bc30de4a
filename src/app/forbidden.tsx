import Link from "next/link";
import { getSignedInUser } from "@/server/session";
import { getUserRole } from "@/server/users";

/**
 * Shown with status 403 when a signed-in user opens a page that is not for them: administration
 * for anyone but an administrator signed in with multifactor.
 */
export default async function Forbidden() {
  const user = await getSignedInUser();
  const singleFactorAdmin = user !== null && !user.mfa && (await getUserRole(user.userId)) === "admin";
  return (
    <main id="main" className="narrow">
      <p className="brand">Security Info</p>
      <div className="card">
        {singleFactorAdmin ? (
          <>
            <h1>Sign in with multifactor authentication</h1>
            <p>
              Administration needs a stronger sign-in than the one you used. Sign out, then sign in with a passkey that
              verifies you (a fingerprint, face or PIN), or with your password and authenticator app.
            </p>
          </>
        ) : (
          <>
            <h1>You don&apos;t have access to this page</h1>
            <p>Only administrators can open it. If you need access, ask your administrator.</p>
          </>
        )}
        <p>
          <Link href="/security-info">Go to your security info</Link>
        </p>
      </div>
    </main>
  );
}
