"use client";

import { useEffect, useId, useRef, useState } from "react";
import { SESSION_ENDED_EVENT } from "./api";

/**
 * When any action finds the session gone (signed out everywhere, revoked by an administrator,
 * expired), this dialog says so over whatever is open, with a Sign in button that comes back to
 * this page: retrying could never work.
 */
export function SessionEnded() {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  // This page as it is now (an audit log's filters included), read when the session is found gone.
  const [here, setHere] = useState("/security-info");
  useEffect(() => {
    const show = () => {
      setHere(window.location.pathname + window.location.search);
      const dialog = ref.current;
      if (dialog && !dialog.open) dialog.showModal();
    };
    window.addEventListener(SESSION_ENDED_EVENT, show);
    return () => window.removeEventListener(SESSION_ENDED_EVENT, show);
  }, []);
  const returnTo = encodeURIComponent(here);
  return (
    <dialog ref={ref} aria-labelledby={titleId} className="session-ended">
      <h2 id={titleId}>Your session has ended</h2>
      <p>You were signed out, here or on another device, or your sign-in expired. Sign in again to carry on where you were.</p>
      <div className="actions">
        <a className="button primary" href={`/signin?returnTo=${returnTo}&ended=session`} autoFocus>
          Sign in
        </a>
      </div>
    </dialog>
  );
}
