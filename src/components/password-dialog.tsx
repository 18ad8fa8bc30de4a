"use client";

import { useEffect, useId, useImperativeHandle, useRef, useState, type Ref } from "react";
import { PASSWORD_MIN_LENGTH } from "@/contracts/labels";
import type { SetPasswordResponse } from "@/contracts/methods";
import { ApiError, callApi } from "./api";
import { useStepUp } from "./use-step-up";
import { VerifyIdentity } from "./verify-identity";

type Step = { name: "form"; error?: string; field?: "new" | "confirm" };

export interface PasswordDialogHandle {
  open(): void;
}

interface Props {
  ref?: Ref<PasswordDialogHandle>;
  email: string;
  hasPasskeys: boolean;
  /** Whether the user has a password already (change it) or not (set one). */
  hasPassword: boolean;
  onSaved: (result: SetPasswordResponse) => void;
  /** Where focus goes when the dialog closes. */
  onClosed: () => void;
}

/**
 * Set a password, or change it. A stale sign-in steps up in place and then saves what the user
 * typed; nothing typed is lost on the way.
 */
export function PasswordDialog({ ref, email, hasPasskeys, hasPassword, onSaved, onClosed }: Props) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [step, setStep] = useState<Step>({ name: "form" });
  const stepUp = useStepUp();
  const [newPassword, setNewPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [busy, setBusy] = useState(false);
  // Changes on every open, so that focus moves into the dialog even when its step did not change.
  const [openedAt, setOpenedAt] = useState(0);
  const titleId = useId();
  const newId = useId();
  const confirmId = useId();
  const hintId = useId();
  const errorId = useId();

  useImperativeHandle(ref, () => ({
    open() {
      setNewPassword("");
      setConfirm("");
      stepUp.reset();
      setStep({ name: "form" });
      setOpenedAt(Date.now());
      dialogRef.current?.showModal();
    },
  }));

  // Focus the step's first control; after a refusal, the field it is about.
  const field = step.field;
  const error = step.error;
  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog?.open) return;
    const target = field
      ? dialog.querySelector<HTMLElement>(`[id="${field === "new" ? newId : confirmId}"]`)
      : (dialog.querySelector<HTMLElement>("[data-autofocus]") ?? dialog.querySelector<HTMLElement>("h2"));
    target?.focus();
  }, [openedAt, stepUp.verifying, field, error, newId, confirmId]);

  async function save() {
    setBusy(true);
    try {
      const result = await callApi<SetPasswordResponse>("/api/me/password", { method: "PUT", body: { newPassword } });
      setNewPassword("");
      setConfirm("");
      dialogRef.current?.close();
      onSaved(result);
    } catch (e) {
      if (stepUp.required(e, () => void save())) return;
      stepUp.reset();
      if (e instanceof ApiError && e.code === "PASSWORD_REJECTED") setStep({ name: "form", error: e.message, field: "new" });
      else setStep({ name: "form", error: e instanceof ApiError ? e.message : "Your password couldn't be saved. Please try again." });
    } finally {
      setBusy(false);
    }
  }

  function submit(event: React.FormEvent) {
    event.preventDefault();
    if ([...newPassword.normalize("NFKC")].length < PASSWORD_MIN_LENGTH) {
      setStep({ name: "form", error: `Use at least ${PASSWORD_MIN_LENGTH} characters.`, field: "new" });
      return;
    }
    if (confirm !== newPassword) {
      setStep({ name: "form", error: "The passwords don't match.", field: "confirm" });
      return;
    }
    void save();
  }

  const title = hasPassword ? "Change your password" : "Set a password";
  return (
    <dialog
      ref={dialogRef}
      aria-labelledby={titleId}
      onClose={() => {
        setNewPassword("");
        setConfirm("");
        onClosed();
      }}
    >
      {!stepUp.verifying && (
        <form onSubmit={submit} noValidate>
          <h2 id={titleId} tabIndex={-1}>
            {title}
          </h2>
          <p id={hintId} className="hint">
            Use at least {PASSWORD_MIN_LENGTH} characters. A few unrelated words are easy to remember and hard to guess;
            common passwords and your email address aren&apos;t allowed.
            {hasPassword && " Changing it signs you out on your other devices."}
          </p>
          {/* Not the username's own field: a password manager then saves this as the new password. */}
          <input type="hidden" name="username" autoComplete="username" value={email} readOnly />
          <label htmlFor={newId}>New password</label>
          <input
            id={newId}
            type="password"
            data-autofocus
            autoComplete="new-password"
            value={newPassword}
            onChange={(e) => setNewPassword(e.target.value)}
            aria-describedby={step.error && step.field !== "confirm" ? `${errorId} ${hintId}` : hintId}
            aria-invalid={step.field === "new" ? true : undefined}
          />
          <label htmlFor={confirmId}>Confirm new password</label>
          <input
            id={confirmId}
            type="password"
            autoComplete="new-password"
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
            aria-describedby={step.error && step.field === "confirm" ? errorId : undefined}
            aria-invalid={step.field === "confirm" ? true : undefined}
          />
          {step.error && (
            <p className="error" id={errorId} role="alert">
              {step.error}
            </p>
          )}
          <div className="actions">
            <button type="button" className="secondary" onClick={() => dialogRef.current?.close()}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={busy}>
              Save
            </button>
          </div>
        </form>
      )}
      {stepUp.verifying && (
        <VerifyIdentity
          email={email}
          hasPasskeys={hasPasskeys}
          titleId={titleId}
          purpose={hasPassword ? "change your password" : "set a password"}
          onCancel={() => dialogRef.current?.close()}
          onVerified={stepUp.verified}
        />
      )}
    </dialog>
  );
}
