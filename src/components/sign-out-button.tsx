"use client";

import { useState } from "react";
import { callApi } from "./api";

export function SignOutButton() {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className="link"
      disabled={busy}
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
