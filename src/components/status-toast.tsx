"use client";

import { useEffect } from "react";

export interface Toast {
  /** A new id for each message, so the same words twice are shown (and announced) twice. */
  id: number;
  text: string;
}

const SHOWN_MS = 10_000;

/**
 * The visible answer to an action ("Passkey deleted."), announced through a polite live region
 * that is always in the page. It blocks nothing, hides itself after a while and can be dismissed.
 */
export function StatusToast({ toast, onDismiss }: { toast: Toast | null; onDismiss: () => void }) {
  const id = toast?.id;
  useEffect(() => {
    if (id === undefined) return;
    const timer = setTimeout(onDismiss, SHOWN_MS);
    return () => clearTimeout(timer);
    // A new message restarts the clock; the callback itself may change with every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id]);
  return (
    <div className={toast ? "toast is-open" : "toast"}>
      <p role="status" aria-live="polite" className="toast-text">
        {toast?.text ?? ""}
      </p>
      {toast && (
        <button type="button" className="toast-dismiss" aria-label="Dismiss message" onClick={onDismiss}>
          ×
        </button>
      )}
    </div>
  );
}
