import type { Metadata } from "next";
import { PolicyForm } from "@/components/admin/policy-form";
import { requireAdminPage } from "@/server/admin/require-admin";
import { listUserPasskeys } from "@/server/methods/list-user-passkeys";
import { listPolicyProviders } from "@/server/policy/list-policy-providers";
import { getPasskeyPolicyForAdmin } from "@/server/policy/passkey-policy";
import { getMetadataStatus } from "@/server/webauthn/metadata/loaded-metadata";

export const metadata: Metadata = { title: "Passkey policy" };

export default async function PasskeyPolicyPage() {
  const admin = await requireAdminPage("/admin/policy");
  const [policy, passkeys] = await Promise.all([getPasskeyPolicyForAdmin(), listUserPasskeys(admin.userId)]);
  return (
    <main id="main" className="page">
      <h1>Passkey policy</h1>
      <p className="lead">
        Decide who can use passkeys and which ones your organization accepts. Changes apply at once to every new passkey
        and every sign-in, including passkeys already registered.
      </p>
      <PolicyForm
        initial={policy}
        providers={listPolicyProviders()}
        email={admin.email}
        hasPasskeys={passkeys.length > 0}
        metadata={getMetadataStatus()}
      />
    </main>
  );
}
