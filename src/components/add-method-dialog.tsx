"use client";

import {
  startRegistration,
  WebAuthnAbortService,
  type PublicKeyCredentialCreationOptionsJSON,
} from "@simplewebauthn/browser";
import { useEffect, useId, useImperativeHandle, useRef, useState, type Ref } from "react";
import type { AuthenticatorAppResponse, AuthenticatorAppSetupResponse, AuthenticatorAppSummary } from "@/contracts/methods";
import type { PasskeyResponse, PasskeySummary } from "@/contracts/passkeys";
import { checkPasskeyName, PASSKEY_NAME_MAX_LENGTH } from "@/contracts/passkey-name";
import { clampText } from "@/contracts/text-rules";
import { describedBy, NameCounter, showsCounter } from "./name-counter";
import type { AuthenticatorType } from "@/contracts/webauthn";
import { ApiError, callApi } from "./api";
import { useHydrated } from "./use-hydrated";
import { VerifyIdentity } from "./verify-identity";
import { classifyCreateError, CREATE_FAILURE_MESSAGES } from "./webauthn-errors";

type Step =
  | { name: "choose" }
  | { name: "where" }
  | { name: "verify" }
  | { name: "creating"; slow: boolean }
  | { name: "failed"; message: string }
  | { name: "name"; passkey: PasskeySummary; error?: string }
  | { name: "app-start"; error?: string }
  | { name: "app-verify" }
  | { name: "app-scan"; setup: AuthenticatorAppSetupResponse; manual: boolean }
  | { name: "app-code"; setup: AuthenticatorAppSetupResponse; error?: string }
  | { name: "app-done" };

type Method = "passkey" | "authenticatorApp";

const PLACES: { value: AuthenticatorType; label: string; hint: string }[] = [
  { value: "localDevice", label: "This device", hint: "Save it on this phone or computer." },
  { value: "remoteDevice", label: "Another device", hint: "Use a phone or tablet by scanning a QR code." },
  { value: "securityKey", label: "Security key", hint: "Use a USB, NFC or Bluetooth key." },
];

/** After this long without an answer, offer a way out: the chosen place may not be available. */
const SLOW_AFTER_MS = 10_000;

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
 * Add sign-in method > Passkey > Add > where to save it > the browser prompt > Name > Done, or
 * > Authenticator app > Add > get the app > scan the QR code > enter a code > Done.
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
  const [step, setStep] = useState<Step>({ name: "choose" });
  const [place, setPlace] = useState<AuthenticatorType>("localDevice");
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const appOffered = onAuthenticatorAppAdded !== undefined && !hasAuthenticatorApp;
  const methods: Method[] = [...(passkeyUnavailable ? [] : ["passkey" as const]), ...(appOffered ? ["authenticatorApp" as const] : [])];
  const [chosen, setChosen] = useState<Method>("passkey");
  const method: Method = methods.includes(chosen) ? chosen : (methods[0] ?? "passkey");
  const [code, setCode] = useState("");
  const titleId = useId();
  const methodId = useId();
  const nameId = useId();
  const codeId = useId();
  const manualId = useId();

  function open(start: "choose" | "where" = "choose") {
    setStep(start === "where" ? { name: "where" } : { name: "choose" });
    setCode("");
    dialogRef.current?.showModal();
  }
  useImperativeHandle(ref, () => ({ open }));

  function close() {
    if (step.name === "creating") WebAuthnAbortService.cancelCeremony();
    dialogRef.current?.close();
  }

  // Move focus to the first control of each new step, for keyboard and screen-reader users.
  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog?.open) return;
    const target = dialog.querySelector<HTMLElement>("[data-autofocus]") ?? dialog.querySelector<HTMLElement>("h2");
    target?.focus();
  }, [step.name]);

  async function createPasskey() {
    setBusy(true);
    setStep({ name: "creating", slow: false });
    const slowTimer = setTimeout(() => setStep((s) => (s.name === "creating" ? { ...s, slow: true } : s)), SLOW_AFTER_MS);
    try {
      let optionsJSON: PublicKeyCredentialCreationOptionsJSON;
      try {
        optionsJSON = await callApi("/api/webauthn/registration/options", { body: { authenticatorType: place } });
      } catch (e) {
        if (e instanceof ApiError && e.code === "REAUTH_REQUIRED") {
          setStep({ name: "verify" });
          return;
        }
        throw e;
      }
      const started = Date.now();
      let response;
      try {
        response = await startRegistration({ optionsJSON });
      } catch (e) {
        const failure = classifyCreateError(e, Date.now() - started, optionsJSON.timeout ?? 60_000);
        setStep({ name: "failed", message: CREATE_FAILURE_MESSAGES[failure] });
        return;
      }
      const { passkey } = await callApi<PasskeyResponse>("/api/webauthn/registration/verify", { body: { response } });
      setName(passkey.name);
      setStep({ name: "name", passkey });
      onCreated(passkey);
    } catch (e) {
      setStep({ name: "failed", message: e instanceof ApiError ? e.message : "Something went wrong. Please try again." });
    } finally {
      clearTimeout(slowTimer);
      setBusy(false);
    }
  }

  /** Starts (or restarts) the app's setup: a new secret, shown as a QR code and as text. */
  async function startAppSetup() {
    setBusy(true);
    try {
      const setup = await callApi<AuthenticatorAppSetupResponse>("/api/me/authenticator-app", { body: {} });
      setCode("");
      setStep({ name: "app-scan", setup, manual: false });
    } catch (e) {
      if (e instanceof ApiError && e.code === "REAUTH_REQUIRED") setStep({ name: "app-verify" });
      else setStep({ name: "app-start", error: e instanceof ApiError ? e.message : "Something went wrong. Please try again." });
    } finally {
      setBusy(false);
    }
  }

  async function confirmApp(event: React.FormEvent) {
    event.preventDefault();
    if (step.name !== "app-code") return;
    const digits = code.replace(/\s/g, "");
    if (!/^\d{6}$/.test(digits)) {
      setStep({ ...step, error: "Enter the 6-digit code from your app." });
      return;
    }
    setBusy(true);
    try {
      const { authenticatorApp } = await callApi<AuthenticatorAppResponse>("/api/me/authenticator-app/confirm", { body: { code: digits } });
      setStep({ name: "app-done" });
      onAuthenticatorAppAdded?.(authenticatorApp);
    } catch (e) {
      setStep({ ...step, error: e instanceof ApiError ? e.message : "Something went wrong. Please try again." });
      // The Next button was disabled while busy: bring the user back to the code.
      dialogRef.current?.querySelector<HTMLInputElement>(`[id="${codeId}"]`)?.focus();
    } finally {
      setBusy(false);
    }
  }

  async function finish(event: React.FormEvent) {
    event.preventDefault();
    if (step.name !== "name") return;
    // The server's own contract: the same message for a name it would refuse, before any request.
    const checked = checkPasskeyName(name);
    if ("error" in checked) {
      setStep({ ...step, error: checked.error });
      return;
    }
    const trimmed = checked.value;
    let passkey = step.passkey;
    if (trimmed !== passkey.name) {
      setBusy(true);
      try {
        passkey = (
          await callApi<PasskeyResponse>(`/api/me/passkeys/${passkey.id}`, { method: "PATCH", body: { name: trimmed } })
        ).passkey;
      } catch (e) {
        setStep({ ...step, error: e instanceof ApiError ? e.message : "The name couldn't be saved." });
        setBusy(false);
        return;
      }
      setBusy(false);
    }
    dialogRef.current?.close();
    onAdded(passkey);
  }

  return (
    <>
      <button ref={openerRef} type="button" className="add-method" onClick={() => open()} disabled={!hydrated}>
        <span aria-hidden="true">+</span> Add sign-in method
      </button>
      <dialog
        ref={dialogRef}
        aria-labelledby={titleId}
        onClose={() => {
          // Closed with Escape mid-prompt: stop waiting for the browser too.
          if (step.name === "creating") WebAuthnAbortService.cancelCeremony();
          // The app's secret is shown during setup only: don't keep it once the dialog is closed.
          if (step.name.startsWith("app-")) setStep({ name: "choose" });
          setCode("");
          openerRef.current?.focus();
        }}
      >
        {step.name === "choose" && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (methods.length === 0) return;
              setStep(method === "passkey" ? { name: "where" } : { name: "app-start" });
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

        {step.name === "app-start" && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void startAppSetup();
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
              <button type="button" className="secondary" onClick={() => setStep({ name: "choose" })}>
                Back
              </button>
              <button type="submit" className="primary" data-autofocus disabled={busy}>
                Next
              </button>
            </div>
          </form>
        )}

        {step.name === "app-verify" && (
          <VerifyIdentity
            email={email}
            hasPasskeys={hasPasskeys}
            titleId={titleId}
            purpose="set up an authenticator app"
            onCancel={close}
            onVerified={() => void startAppSetup()}
          />
        )}

        {step.name === "app-scan" && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              setStep({ name: "app-code", setup: step.setup });
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
              <button type="button" className="secondary" onClick={() => setStep({ name: "app-start" })}>
                Back
              </button>
              <button type="submit" className="primary" data-autofocus>
                Next
              </button>
            </div>
          </form>
        )}

        {step.name === "app-code" && (
          <form onSubmit={(e) => void confirmApp(e)} noValidate>
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
              <button type="button" className="secondary" onClick={() => setStep({ name: "app-scan", setup: step.setup, manual: false })}>
                Back
              </button>
              <button type="submit" className="primary" disabled={busy}>
                Next
              </button>
            </div>
          </form>
        )}

        {step.name === "app-done" && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              dialogRef.current?.close();
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

        {step.name === "where" && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void createPasskey();
            }}
          >
            <h2 id={titleId} tabIndex={-1}>
              Where do you want to save your passkey?
            </h2>
            <fieldset>
              <legend className="visually-hidden">Where to save your passkey</legend>
              {PLACES.map((p) => (
                <label key={p.value} className="choice">
                  <input
                    type="radio"
                    name="place"
                    value={p.value}
                    checked={place === p.value}
                    onChange={() => setPlace(p.value)}
                    data-autofocus={place === p.value ? "" : undefined}
                  />
                  <span>
                    <strong>{p.label}</strong>
                    <span className="hint">{p.hint}</span>
                  </span>
                </label>
              ))}
            </fieldset>
            <p className="hint">Your browser may offer other places too; choose the one that suits you.</p>
            <div className="actions">
              <button type="button" className="secondary" onClick={() => setStep({ name: "choose" })}>
                Back
              </button>
              <button type="submit" className="primary" disabled={busy}>
                Next
              </button>
            </div>
          </form>
        )}

        {step.name === "verify" && (
          <VerifyIdentity
            email={email}
            hasPasskeys={hasPasskeys}
            titleId={titleId}
            purpose="add a passkey"
            onCancel={close}
            onVerified={() => void createPasskey()}
          />
        )}

        {step.name === "creating" && (
          <div aria-busy="true">
            <h2 id={titleId} tabIndex={-1}>
              Creating your passkey
            </h2>
            <p role="status">Follow the steps in your browser to save your passkey.</p>
            {step.slow && (
              <p className="notice" role="status">
                Still waiting? If your browser shows nothing, the place you chose may not be available on this
                device.
              </p>
            )}
            <div className="actions">
              <button type="button" className="secondary" onClick={() => WebAuthnAbortService.cancelCeremony()}>
                Cancel
              </button>
            </div>
          </div>
        )}

        {step.name === "failed" && (
          <div>
            <h2 id={titleId} tabIndex={-1}>
              Your passkey wasn&apos;t added
            </h2>
            <p className="error" role="alert">
              {step.message}
            </p>
            <div className="actions">
              <button type="button" className="secondary" onClick={close}>
                Cancel
              </button>
              <button type="button" className="primary" data-autofocus onClick={() => setStep({ name: "where" })}>
                Try again
              </button>
            </div>
          </div>
        )}

        {step.name === "name" && (
          <form onSubmit={(e) => void finish(e)} noValidate>
            <h2 id={titleId} tabIndex={-1}>
              Name your passkey
            </h2>
            <p role="status">Passkey created. Give it a name you&apos;ll recognise.</p>
            <label htmlFor={nameId}>Passkey name</label>
            <input
              id={nameId}
              data-autofocus
              value={name}
              onChange={(e) => setName(clampText(e.target.value, PASSKEY_NAME_MAX_LENGTH))}
              aria-invalid={step.error ? true : undefined}
              aria-describedby={describedBy(step.error && `${nameId}-error`, showsCounter(name, PASSKEY_NAME_MAX_LENGTH) && `${nameId}-count`)}
            />
            <NameCounter id={`${nameId}-count`} value={name} max={PASSKEY_NAME_MAX_LENGTH} />
            {step.error && (
              <p className="error" id={`${nameId}-error`} role="alert">
                {step.error}
              </p>
            )}
            <div className="actions">
              <button type="submit" className="primary" disabled={busy}>
                Done
              </button>
            </div>
          </form>
        )}
      </dialog>
    </>
  );
}
