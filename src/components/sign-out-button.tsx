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
          // A whole new page, not a client-side transition: nothing the signed-in pages put in
          // the router's cache outlives the session, and the sign-in page arrives with its title
          // (a replace + refresh left the tab untitled until the refresh's payload came).
          window.location.replace("/signin");
        }
      }}
    >
      Sign out
    </button>
  );
}
