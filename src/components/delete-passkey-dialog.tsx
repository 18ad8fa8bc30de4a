"use client";

import { useEffect, useId, useImperativeHandle, useRef, useState, type Ref } from "react";
import type { DeletePasskeyResponse, PasskeySummary } from "@/contracts/passkeys";
import { ApiError, callApi } from "./api";
import { useStepUp } from "./use-step-up";
import { VerifyIdentity } from "./verify-identity";

type Step = { name: "confirm"; needsLockoutConfirmation: boolean; error?: string };

export interface DeletePasskeyDialogHandle {
  open(passkey: PasskeySummary, isLast: boolean): void;
}

interface Props {
  ref?: Ref<DeletePasskeyDialogHandle>;
  email: string;
  /** `signedOut`: this browser had signed in with that passkey, and its session ended with it. */
  onDeleted: (deleted: DeletePasskeyResponse["deleted"], signedOut: boolean) => void;
  /** Where focus goes when the dialog closes without deleting. */
  onDismissed: (passkeyId: string) => void;
}

/** Confirms a delete, steps up if the sign-in is stale, and guards the last way to sign in. */
export function DeletePasskeyDialog({ ref, email, onDeleted, onDismissed }: Props) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [target, setTarget] = useState<{ passkey: PasskeySummary; isLast: boolean } | null>(null);
  const [step, setStep] = useState<Step>({ name: "confirm", needsLockoutConfirmation: false });
  const [lockoutConfirmed, setLockoutConfirmed] = useState(false);
  const stepUp = useStepUp();
  const [busy, setBusy] = useState(false);
  const deleted = useRef(false);
  const titleId = useId();
  const checkId = useId();

  useImperativeHandle(ref, () => ({
    open(passkey, isLast) {
      deleted.current = false;
      setTarget({ passkey, isLast });
      setLockoutConfirmed(false);
      stepUp.reset();
      setStep({ name: "confirm", needsLockoutConfirmation: false });
      dialogRef.current?.showModal();
    },
  }));

  // Focus the step's first control; also when the server asks for the lockout confirmation, which
  // keeps the step but disables the Delete button that had focus.
  const lockout = step.needsLockoutConfirmation;
  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog?.open) return;
    (dialog.querySelector<HTMLElement>("[data-autofocus]") ?? dialog.querySelector<HTMLElement>("h2"))?.focus();
  }, [stepUp.verifying, lockout, target]);

  async function remove() {
    if (!target) return;
    setBusy(true);
    try {
      const result = await callApi<DeletePasskeyResponse>(`/api/me/passkeys/${target.passkey.id}`, {
        method: "DELETE",
        body: lockoutConfirmed ? { confirmNoSignInMethod: true } : {},
      });
      deleted.current = true;
      dialogRef.current?.close();
      onDeleted(result.deleted, result.signedOut);
    } catch (e) {
      if (stepUp.required(e, () => void remove())) return;
      stepUp.reset();
      if (e instanceof ApiError && e.code === "LAST_SIGN_IN_METHOD") {
        setStep({ name: "confirm", needsLockoutConfirmation: true, error: e.message });
      } else {
        setStep({ name: "confirm", needsLockoutConfirmation: step.needsLockoutConfirmation, error: e instanceof ApiError ? e.message : "The passkey couldn't be deleted." });
      }
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
        if (!deleted.current && target) onDismissed(target.passkey.id);
      }}
    >
      {target && !stepUp.verifying && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void remove();
          }}
        >
          <h2 id={titleId} tabIndex={-1}>
            Delete passkey &ldquo;{target.passkey.name}&rdquo;?
          </h2>
          <p>You won&apos;t be able to sign in with this passkey any more. Your device may still offer it until it is removed there too.</p>
          {target.isLast && !step.needsLockoutConfirmation && (
            <p className="warning" role="note">
              This is your only passkey. After deleting it you will need another way to sign in.
            </p>
          )}
          {step.error && (
            <p className="error" role="alert">
              {step.error}
            </p>
          )}
          {step.needsLockoutConfirmation && (
            <label className="check" htmlFor={checkId}>
              <input
                id={checkId}
                type="checkbox"
                data-autofocus
                checked={lockoutConfirmed}
                onChange={(e) => setLockoutConfirmed(e.target.checked)}
              />
              <span>I understand I won&apos;t be able to sign in until my administrator gives me a Temporary Access Pass.</span>
            </label>
          )}
          <div className="actions">
            <button type="button" className="secondary" data-autofocus={step.needsLockoutConfirmation ? undefined : ""} onClick={close}>
              Cancel
            </button>
            <button
              type="submit"
              className="danger"
              disabled={busy || (step.needsLockoutConfirmation && !lockoutConfirmed)}
            >
              Delete
            </button>
          </div>
        </form>
      )}
      {target && stepUp.verifying && (
        <VerifyIdentity
          email={email}
          hasPasskeys
          titleId={titleId}
          purpose="delete a passkey"
          onCancel={close}
          onVerified={stepUp.verified}
        />
      )}
    </dialog>
  );
}
