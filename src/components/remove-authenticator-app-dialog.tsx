"use client";

import { useEffect, useId, useImperativeHandle, useRef, useState, type Ref } from "react";
import type { RemoveAuthenticatorAppResponse } from "@/contracts/methods";
import { ApiError, callApi } from "./api";
import { useStepUp } from "./use-step-up";
import { VerifyIdentity } from "./verify-identity";

type Step = { name: "confirm"; error?: string };

export interface RemoveAuthenticatorAppDialogHandle {
  open(): void;
}

interface Props {
  ref?: Ref<RemoveAuthenticatorAppDialogHandle>;
  email: string;
  hasPasskeys: boolean;
  onRemoved: (result: RemoveAuthenticatorAppResponse) => void;
  /** Where focus goes when the dialog closes without removing. */
  onDismissed: () => void;
}

/** Confirms removing the authenticator app, steps up if the sign-in is stale, then removes it. */
export function RemoveAuthenticatorAppDialog({ ref, email, hasPasskeys, onRemoved, onDismissed }: Props) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [step, setStep] = useState<Step>({ name: "confirm" });
  const stepUp = useStepUp();
  const [busy, setBusy] = useState(false);
  // Changes on every open, so that focus moves into the dialog even when its step did not change.
  const [openedAt, setOpenedAt] = useState(0);
  const removed = useRef(false);
  const titleId = useId();

  useImperativeHandle(ref, () => ({
    open() {
      removed.current = false;
      stepUp.reset();
      setStep({ name: "confirm" });
      setOpenedAt(Date.now());
      dialogRef.current?.showModal();
    },
  }));

  const error = step.error;
  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog?.open) return;
    (dialog.querySelector<HTMLElement>("[data-autofocus]") ?? dialog.querySelector<HTMLElement>("h2"))?.focus();
  }, [openedAt, stepUp.verifying, error]);

  async function remove() {
    setBusy(true);
    try {
      const result = await callApi<RemoveAuthenticatorAppResponse>("/api/me/authenticator-app", { method: "DELETE", body: {} });
      removed.current = true;
      dialogRef.current?.close();
      onRemoved(result);
    } catch (e) {
      if (stepUp.required(e, () => void remove())) return;
      stepUp.reset();
      setStep({ name: "confirm", error: e instanceof ApiError ? e.message : "The app couldn't be deleted. Please try again." });
    } finally {
      setBusy(false);
    }
  }

  const close = () => dialogRef.current?.close();

  return (
    <dialog
      ref={dialogRef}
      aria-labelledby={titleId}
      onClose={() => {
        if (!removed.current) onDismissed();
      }}
    >
      {!stepUp.verifying && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void remove();
          }}
        >
          <h2 id={titleId} tabIndex={-1}>
            Delete authenticator app?
          </h2>
          <p>
            You won&apos;t be able to sign in with codes from this app any more. Remove this account from the app on your
            phone too.
          </p>
          {step.error && (
            <p className="error" role="alert">
              {step.error}
            </p>
          )}
          <div className="actions">
            <button type="button" className="secondary" data-autofocus onClick={close}>
              Cancel
            </button>
            <button type="submit" className="danger" disabled={busy || Boolean(step.error)}>
              Delete
            </button>
          </div>
        </form>
      )}
      {stepUp.verifying && (
        <VerifyIdentity
          email={email}
          hasPasskeys={hasPasskeys}
          titleId={titleId}
          purpose="delete your authenticator app"
          onCancel={close}
          onVerified={stepUp.verified}
        />
      )}
    </dialog>
  );
}
