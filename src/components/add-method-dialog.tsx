"use client";

import { useImperativeHandle, useId, useRef, useState, type Ref } from "react";
import type { AuthenticatorAppSummary } from "@/contracts/methods";
import type { PasskeySummary } from "@/contracts/passkeys";
import { AddAuthenticatorAppFlow } from "./add-authenticator-app-flow";
import { AddPasskeyFlow } from "./add-passkey-flow";
import { useHydrated } from "./use-hydrated";
import { useStepFocus } from "./use-step-focus";

type Method = "passkey" | "authenticatorApp";

export interface AddMethodDialogHandle {
  open(start?: "choose" | "where"): void;
}

interface Props {
  ref?: Ref<AddMethodDialogHandle>;
  email: string;
  hasPasskeys: boolean;
  /** Why a passkey cannot be added now (policy off, limit reached), or null. */
  passkeyUnavailable: string | null;
  /** Called with the new passkey once it is named (or kept with its default name). */
  onAdded: (passkey: PasskeySummary) => void;
  /** Called as soon as the passkey exists on the server, before naming. */
  onCreated: (passkey: PasskeySummary) => void;
  /** Whether the user already has a confirmed authenticator app (then it is not offered). */
  hasAuthenticatorApp?: boolean;
  /** Whether the user has a password (the last step says what else sign-in with the app needs). */
  hasPassword?: boolean;
  /** Called once a new authenticator app is confirmed. Without it, the app is not offered. */
  onAuthenticatorAppAdded?: (app: AuthenticatorAppSummary) => void;
}

/**
 * Add sign-in method > which method > Add, then that method's own steps in the same dialog:
 * AddPasskeyFlow or AddAuthenticatorAppFlow.
 */
export function AddMethodDialog({
  ref,
  email,
  hasPasskeys,
  passkeyUnavailable,
  onAdded,
  onCreated,
  hasAuthenticatorApp = false,
  hasPassword = false,
  onAuthenticatorAppAdded,
}: Props) {
  const hydrated = useHydrated();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const openerRef = useRef<HTMLButtonElement>(null);
  // The method whose steps are shown, or null for the choice of method.
  const [flow, setFlow] = useState<Method | null>(null);
  const appOffered = onAuthenticatorAppAdded !== undefined && !hasAuthenticatorApp;
  const methods: Method[] = [...(passkeyUnavailable ? [] : ["passkey" as const]), ...(appOffered ? ["authenticatorApp" as const] : [])];
  const [chosen, setChosen] = useState<Method>("passkey");
  const method: Method = methods.includes(chosen) ? chosen : (methods[0] ?? "passkey");
  const titleId = useId();
  const methodId = useId();

  function open(start: "choose" | "where" = "choose") {
    setFlow(start === "where" ? "passkey" : null);
    dialogRef.current?.showModal();
  }
  useImperativeHandle(ref, () => ({ open }));

  useStepFocus(dialogRef, flow ?? "choose");

  const close = () => dialogRef.current?.close();

  return (
    <>
      <button ref={openerRef} type="button" className="add-method" onClick={() => open()} disabled={!hydrated}>
        <span aria-hidden="true">+</span> Add sign-in method
      </button>
      <dialog
        ref={dialogRef}
        aria-labelledby={titleId}
        onClose={() => {
          // Unmounting the flow ends it: each open starts afresh, the app's secret (shown during
          // setup only) is not kept, and a passkey prompt still open is stopped.
          setFlow(null);
          openerRef.current?.focus();
        }}
      >
        {flow === null && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (methods.length === 0) return;
              setFlow(method);
            }}
          >
            <h2 id={titleId} tabIndex={-1}>
              Add a sign-in method
            </h2>
            {passkeyUnavailable && (
              <p className="notice" role="status">
                {passkeyUnavailable}
              </p>
            )}
            {methods.length > 0 && (
              <>
                <label htmlFor={methodId}>Which method would you like to add?</label>
                <select id={methodId} data-autofocus value={method} onChange={(e) => setChosen(e.target.value as Method)}>
                  {methods.map((m) => (
                    <option key={m} value={m}>
                      {m === "passkey" ? "Passkey" : "Authenticator app"}
                    </option>
                  ))}
                </select>
                <p className="hint">
                  {method === "passkey"
                    ? "Sign in with your face, fingerprint, PIN or security key instead of a password."
                    : "Sign in with your password and a 6-digit code from an app on your phone."}
                </p>
              </>
            )}
            <div className="actions">
              <button type="button" className="secondary" onClick={close}>
                Cancel
              </button>
              {methods.length > 0 && (
                <button type="submit" className="primary">
                  Add
                </button>
              )}
            </div>
          </form>
        )}

        {flow === "passkey" && (
          <AddPasskeyFlow
            dialogRef={dialogRef}
            titleId={titleId}
            email={email}
            hasPasskeys={hasPasskeys}
            onBack={() => setFlow(null)}
            onCreated={onCreated}
            onAdded={onAdded}
          />
        )}
        {flow === "authenticatorApp" && onAuthenticatorAppAdded && (
          <AddAuthenticatorAppFlow
            dialogRef={dialogRef}
            titleId={titleId}
            email={email}
            hasPasskeys={hasPasskeys}
            hasPassword={hasPassword}
            onBack={() => setFlow(null)}
            onAdded={onAuthenticatorAppAdded}
          />
        )}
      </dialog>
    </>
  );
}
