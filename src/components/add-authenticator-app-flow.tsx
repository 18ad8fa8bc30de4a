"use client";

import { useId, useState, type RefObject } from "react";
import type { AuthenticatorAppResponse, AuthenticatorAppSetupResponse, AuthenticatorAppSummary } from "@/contracts/methods";
import { ApiError, callApi } from "./api";
import { useStepFocus } from "./use-step-focus";
import { useStepUp } from "./use-step-up";
import { VerifyIdentity } from "./verify-identity";

type Step =
  | { name: "start"; error?: string }
  | { name: "scan"; setup: AuthenticatorAppSetupResponse; manual: boolean }
  | { name: "code"; setup: AuthenticatorAppSetupResponse; error?: string }
  | { name: "done" };

interface Props {
  /** The add-method dialog this flow is shown in: the flow closes it and moves focus within it. */
  dialogRef: RefObject<HTMLDialogElement | null>;
  /** The id the dialog is labelled by, given to each step's heading. */
  titleId: string;
  email: string;
  hasPasskeys: boolean;
  /** Whether the user has a password (the last step says what else sign-in with the app needs). */
  hasPassword: boolean;
  /** Back to the choice of method. */
  onBack: () => void;
  /** Called once the new authenticator app is confirmed. */
  onAdded: (app: AuthenticatorAppSummary) => void;
}

/**
 * Get the app > scan the QR code > enter a code > Done; a stale sign-in verifies on the way. The
 * secret lives in this flow's state only, so it goes when the dialog closes and unmounts the flow.
 */
export function AddAuthenticatorAppFlow({ dialogRef, titleId, email, hasPasskeys, hasPassword, onBack, onAdded }: Props) {
  const [step, setStep] = useState<Step>({ name: "start" });
  const stepUp = useStepUp();
  const [code, setCode] = useState("");
  const [busy, setBusy] = useState(false);
  const codeId = useId();
  const manualId = useId();

  useStepFocus(dialogRef, stepUp.verifying ? "verify" : step.name);

  const close = () => dialogRef.current?.close();

  /** Starts (or restarts) the app's setup: a new secret, shown as a QR code and as text. */
  async function startSetup() {
    setBusy(true);
    try {
      const setup = await callApi<AuthenticatorAppSetupResponse>("/api/me/authenticator-app", { body: {} });
      setCode("");
      stepUp.reset();
      setStep({ name: "scan", setup, manual: false });
    } catch (e) {
      if (stepUp.required(e, () => void startSetup())) return;
      stepUp.reset();
      setStep({ name: "start", error: e instanceof ApiError ? e.message : "Something went wrong. Please try again." });
    } finally {
      setBusy(false);
    }
  }

  async function confirm(event: React.FormEvent) {
    event.preventDefault();
    if (step.name !== "code") return;
    const digits = code.replace(/\s/g, "");
    if (!/^\d{6}$/.test(digits)) {
      setStep({ ...step, error: "Enter the 6-digit code from your app." });
      return;
    }
    setBusy(true);
    try {
      const { authenticatorApp } = await callApi<AuthenticatorAppResponse>("/api/me/authenticator-app/confirm", { body: { code: digits } });
      setStep({ name: "done" });
      onAdded(authenticatorApp);
    } catch (e) {
      setStep({ ...step, error: e instanceof ApiError ? e.message : "Something went wrong. Please try again." });
      // The Next button was disabled while busy: bring the user back to the code.
      dialogRef.current?.querySelector<HTMLInputElement>(`[id="${codeId}"]`)?.focus();
    } finally {
      setBusy(false);
    }
  }

  if (stepUp.verifying) {
    return (
      <VerifyIdentity
        email={email}
        hasPasskeys={hasPasskeys}
        titleId={titleId}
        purpose="set up an authenticator app"
        onCancel={close}
        onVerified={stepUp.verified}
      />
    );
  }

  return (
    <>
      {step.name === "start" && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void startSetup();
          }}
        >
          <h2 id={titleId} tabIndex={-1}>
            Start by getting the app
          </h2>
          <p>
            On your phone, install an authenticator app such as Microsoft Authenticator or Google Authenticator. Any
            app that shows 6-digit codes that change every 30 seconds will do.
          </p>
          <p>If you already have one, you can use it. When the app is on your phone, choose Next.</p>
          {step.error && (
            <p className="error" role="alert">
              {step.error}
            </p>
          )}
          <div className="actions">
            <button type="button" className="secondary" onClick={onBack}>
              Back
            </button>
            <button type="submit" className="primary" data-autofocus disabled={busy}>
              Next
            </button>
          </div>
        </form>
      )}

      {step.name === "scan" && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setStep({ name: "code", setup: step.setup });
          }}
        >
          <h2 id={titleId} tabIndex={-1}>
            Scan the QR code
          </h2>
          <p>Use your authenticator app to scan the QR code. This connects the app with your account.</p>
          {/* A data: URL made by the server from the otpauth URI: only ever through <img>. */}
          {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL, nothing to optimise */}
          <img className="qr" src={step.setup.qr} alt="QR code to scan with your authenticator app" width={200} height={200} />
          <button
            type="button"
            className="link"
            aria-expanded={step.manual}
            aria-controls={manualId}
            onClick={() => setStep({ ...step, manual: !step.manual })}
          >
            Can&apos;t scan the QR code?
          </button>
          <div id={manualId} hidden={!step.manual} className="manual-entry">
            <p>In your app, choose to enter a code or key by hand, and enter these details:</p>
            <dl>
              <dt>Account name</dt>
              <dd>
                {step.setup.issuer}: {step.setup.accountName}
              </dd>
              <dt>Secret key</dt>
              <dd>
                <code className="secret" data-secret>
                  {step.setup.secret}
                </code>
              </dd>
            </dl>
            <p className="hint">Time-based, 6 digits, every 30 seconds.</p>
          </div>
          <div className="actions">
            <button type="button" className="secondary" onClick={() => setStep({ name: "start" })}>
              Back
            </button>
            <button type="submit" className="primary" data-autofocus>
              Next
            </button>
          </div>
        </form>
      )}

      {step.name === "code" && (
        <form onSubmit={(e) => void confirm(e)} noValidate>
          <h2 id={titleId} tabIndex={-1}>
            Enter the 6-digit code
          </h2>
          <p>Enter the 6-digit code your authenticator app shows for {step.setup.accountName}.</p>
          <label htmlFor={codeId}>Code</label>
          <input
            id={codeId}
            data-autofocus
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={7}
            spellCheck={false}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            aria-invalid={step.error ? true : undefined}
            aria-describedby={step.error ? `${codeId}-error` : undefined}
          />
          {step.error && (
            <p className="error" id={`${codeId}-error`} role="alert">
              {step.error}
            </p>
          )}
          <div className="actions">
            <button type="button" className="secondary" onClick={() => setStep({ name: "scan", setup: step.setup, manual: false })}>
              Back
            </button>
            <button type="submit" className="primary" disabled={busy}>
              Next
            </button>
          </div>
        </form>
      )}

      {step.name === "done" && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            close();
          }}
        >
          <h2 id={titleId} tabIndex={-1}>
            Authenticator app added
          </h2>
          <p role="status">
            {hasPassword
              ? "From now on you can sign in with your password and a code from the app."
              : "Set a password too, then you can sign in with your password and a code from the app."}
          </p>
          <div className="actions">
            <button type="submit" className="primary" data-autofocus>
              Done
            </button>
          </div>
        </form>
      )}
    </>
  );
}
