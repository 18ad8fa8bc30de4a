"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { ApiError, callApi } from "./api";
import { useHydrated } from "./use-hydrated";

/** Ends every session of the account (a lost phone, a shared computer), then this one too. */
export function SignOutEverywhere() {
  const hydrated = useHydrated();
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <section className="sessions" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading" className="list-heading">
        Sessions
      </h2>
      <p className="hint">
        Lost a device, or signed in on a computer you don&apos;t trust? Sign out of your account everywhere, including here.
      </p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button
        type="button"
        className="secondary"
        disabled={busy || !hydrated}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            await callApi("/api/me/sessions/revoke");
            router.replace("/signin?ended=everywhere");
            router.refresh();
          } catch (e) {
            setError(e instanceof ApiError ? e.message : "Something went wrong. Please try again.");
            setBusy(false);
          }
        }}
      >
        Sign out everywhere
      </button>
    </section>
  );
}
