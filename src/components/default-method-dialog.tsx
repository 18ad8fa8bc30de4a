"use client";

import { useEffect, useId, useImperativeHandle, useRef, useState, type Ref } from "react";
import { SIGN_IN_METHOD_LABELS } from "@/contracts/labels";
import type { DefaultSignInMethodResponse, SignInMethod } from "@/contracts/methods";
import { ApiError, callApi } from "./api";

export interface DefaultMethodDialogHandle {
  open(): void;
}

interface Props {
  ref?: Ref<DefaultMethodDialogHandle>;
  /** The methods the user has, in the order to offer them. */
  methods: SignInMethod[];
  current: SignInMethod | null;
  onChanged: (method: SignInMethod) => void;
  /** Where focus goes when the dialog closes. */
  onClosed: () => void;
}

const HINTS: Record<SignInMethod, string> = {
  passkey: "Your face, fingerprint, PIN or security key.",
  password: "Your password, then a 6-digit code from your app.",
};

/** "Change default sign-in method": which method the sign-in page offers first. */
export function DefaultMethodDialog({ ref, methods, current, onChanged, onClosed }: Props) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [choice, setChoice] = useState<SignInMethod | null>(current);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [openedAt, setOpenedAt] = useState(0);
  const titleId = useId();

  useImperativeHandle(ref, () => ({
    open() {
      setChoice(current ?? methods[0] ?? null);
      setError(null);
      setOpenedAt(Date.now());
      dialogRef.current?.showModal();
    },
  }));

  // Focus the chosen method when the dialog opens, and again after a refusal.
  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog?.open) return;
    (dialog.querySelector<HTMLElement>("input:checked") ?? dialog.querySelector<HTMLElement>("input"))?.focus();
  }, [openedAt, error]);

  async function save(event: React.FormEvent) {
    event.preventDefault();
    if (!choice) return;
    setBusy(true);
    setError(null);
    try {
      const result = await callApi<DefaultSignInMethodResponse>("/api/me/default-sign-in-method", {
        method: "PUT",
        body: { method: choice },
      });
      dialogRef.current?.close();
      onChanged(result.defaultSignInMethod);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "Your choice couldn't be saved. Please try again.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <dialog ref={dialogRef} aria-labelledby={titleId} onClose={onClosed}>
      <form onSubmit={(e) => void save(e)}>
        <h2 id={titleId} tabIndex={-1}>
          Change default sign-in method
        </h2>
        <fieldset>
          <legend>Which method do you want to use to sign in?</legend>
          {methods.map((m) => (
            <label key={m} className="choice">
              <input
                type="radio"
                name="default-method"
                value={m}
                checked={choice === m}
                onChange={() => setChoice(m)}
              />
              <span>
                <strong>{SIGN_IN_METHOD_LABELS[m]}</strong>
                <span className="hint">{HINTS[m]}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="button" className="secondary" onClick={() => dialogRef.current?.close()}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || !choice}>
            Confirm
          </button>
        </div>
      </form>
    </dialog>
  );
}
