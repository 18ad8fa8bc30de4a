"use client";

import { useState } from "react";
import { callApi } from "./api";
import { useHydrated } from "./use-hydrated";

export function SignOutButton() {
  const [busy, setBusy] = useState(false);
  const hydrated = useHydrated();
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
          window.location.assign("/signin");
        }
      }}
    >
      Sign out
    </button>
  );
}
