"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi } from "./api";
import { useHydrated } from "./use-hydrated";

export function SignOutButton() {
  const [busy, setBusy] = useState(false);
  const hydrated = useHydrated();
  const router = useRouter();
  return (
    <button
      type="button"
      className="link"
      disabled={busy || !hydrated}
      onClick={async () => {
        setBusy(true);
        try {
          await callApi("/api/auth/signout");
        } finally {
          router.replace("/signin");
          router.refresh();
        }
      }}
    >
      Sign out
    </button>
  );
}
