"use client";

import {
  startAuthentication,
  startRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/browser";
import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState } from "react";
import type { PasskeyResponse, PasskeySummary } from "@/contracts/passkeys";
import type { AuthenticatorType } from "@/contracts/webauthn";
import { ApiError, callApi } from "./api";
import { useHydrated } from "./use-hydrated";
import { describeWebAuthnError } from "./webauthn-errors";

type Step =
  | { name: "choose" }
  | { name: "where" }
  | { name: "verify"; error?: string }
  | { name: "creating" }
  | { name: "failed"; message: string }
  | { name: "name"; passkey: PasskeySummary; error?: string };

const PLACES: { value: AuthenticatorType; label: string; hint: string }[] = [
  { value: "localDevice", label: "This device", hint: "Save it on this phone or computer." },
  { value: "remoteDevice", label: "Another device", hint: "Use a phone or tablet by scanning a QR code." },
  { value: "securityKey", label: "Security key", hint: "Use a USB, NFC or Bluetooth key." },
];

interface Props {
  email: string;
  hasPasskeys: boolean;
}

/** Add sign-in method > Passkey > where to save it > the browser prompt > Name your passkey > Done. */
export function AddMethodDialog({ email, hasPasskeys }: Props) {
  const router = useRouter();
  const hydrated = useHydrated();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const openerRef = useRef<HTMLButtonElement>(null);
  const [step, setStep] = useState<Step>({ name: "choose" });
  const [place, setPlace] = useState<AuthenticatorType>("localDevice");
  const [method, setMethod] = useState("passkey");
  const [tapCode, setTapCode] = useState("");
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const titleId = useId();
  const methodId = useId();
  const nameId = useId();
  const tapId = useId();

  function open() {
    setStep({ name: "choose" });
    setMethod("passkey");
    dialogRef.current?.showModal();
  }

  function close() {
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
    setStep({ name: "creating" });
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
      let response;
      try {
        response = await startRegistration({ optionsJSON });
      } catch (e) {
        setStep({ name: "failed", message: describeWebAuthnError(e, "create") });
        return;
      }
      const { passkey } = await callApi<PasskeyResponse>("/api/webauthn/registration/verify", { body: { response } });
      setName(passkey.name);
      setStep({ name: "name", passkey });
      router.refresh();
    } catch (e) {
      setStep({ name: "failed", message: e instanceof ApiError ? e.message : "Something went wrong. Please try again." });
    } finally {
      setBusy(false);
    }
  }

  async function verifyWithPasskey() {
    setBusy(true);
    try {
      const optionsJSON = await callApi<PublicKeyCredentialRequestOptionsJSON>("/api/webauthn/authentication/options", {
        body: { email },
      });
      const response = await startAuthentication({ optionsJSON });
      await callApi("/api/webauthn/authentication/verify", { body: { response } });
    } catch (e) {
      setStep({ name: "verify", error: e instanceof ApiError ? e.message : describeWebAuthnError(e, "get") });
      setBusy(false);
      return;
    }
    setBusy(false);
    await createPasskey();
  }

  async function verifyWithTap(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      await callApi("/api/auth/tap", { body: { email, code: tapCode } });
    } catch (e) {
      setStep({ name: "verify", error: e instanceof ApiError ? e.message : "Something went wrong." });
      setBusy(false);
      return;
    }
    setTapCode("");
    setBusy(false);
    await createPasskey();
  }

  async function finish(event: React.FormEvent) {
    event.preventDefault();
    if (step.name !== "name") return;
    const trimmed = name.trim();
    if (trimmed.length === 0 || trimmed.length > 64) {
      setStep({ ...step, error: trimmed.length === 0 ? "Enter a name." : "Use at most 64 characters." });
      return;
    }
    if (trimmed !== step.passkey.name) {
      setBusy(true);
      try {
        await callApi(`/api/me/passkeys/${step.passkey.id}`, { method: "PATCH", body: { name: trimmed } });
      } catch (e) {
        setStep({ ...step, error: e instanceof ApiError ? e.message : "The name couldn't be saved." });
        setBusy(false);
        return;
      }
      setBusy(false);
    }
    close();
    router.refresh();
  }

  return (
    <>
      <button ref={openerRef} type="button" className="add-method" onClick={open} disabled={!hydrated}>
        <span aria-hidden="true">+</span> Add sign-in method
      </button>
      <dialog ref={dialogRef} aria-labelledby={titleId} onClose={() => openerRef.current?.focus()}>
        {step.name === "choose" && (
          <form method="dialog" onSubmit={(e) => { e.preventDefault(); setStep({ name: "where" }); }}>
            <h2 id={titleId} tabIndex={-1}>Add a sign-in method</h2>
            <label htmlFor={methodId}>Which method would you like to add?</label>
            <select id={methodId} data-autofocus value={method} onChange={(e) => setMethod(e.target.value)}>
              <option value="passkey">Passkey</option>
            </select>
            <p className="hint">Sign in with your face, fingerprint, PIN or security key instead of a password.</p>
            <div className="actions">
              <button type="button" className="secondary" onClick={close}>Cancel</button>
              <button type="submit" className="primary">Add</button>
            </div>
          </form>
        )}

        {step.name === "where" && (
          <form onSubmit={(e) => { e.preventDefault(); void createPasskey(); }}>
            <h2 id={titleId} tabIndex={-1}>Where do you want to save your passkey?</h2>
            <fieldset>
              <legend className="visually-hidden">Where to save your passkey</legend>
              {PLACES.map((p, i) => (
                <label key={p.value} className="choice">
                  <input
                    type="radio"
                    name="place"
                    value={p.value}
                    checked={place === p.value}
                    onChange={() => setPlace(p.value)}
                    data-autofocus={i === 0 ? "" : undefined}
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
              <button type="button" className="secondary" onClick={() => setStep({ name: "choose" })}>Back</button>
              <button type="submit" className="primary" disabled={busy}>Next</button>
            </div>
          </form>
        )}

        {step.name === "verify" && (
          <div>
            <h2 id={titleId} tabIndex={-1}>Verify your identity</h2>
            <p>For your security, confirm it&apos;s you before adding a passkey.</p>
            {step.error && <p className="error" role="alert">{step.error}</p>}
            {hasPasskeys ? (
              <div className="actions">
                <button type="button" className="secondary" onClick={close}>Cancel</button>
                <button type="button" className="primary" data-autofocus disabled={busy} onClick={() => void verifyWithPasskey()}>
                  Use a passkey
                </button>
              </div>
            ) : (
              <form onSubmit={(e) => void verifyWithTap(e)}>
                <label htmlFor={tapId}>Temporary Access Pass</label>
                <input
                  id={tapId}
                  data-autofocus
                  autoComplete="one-time-code"
                  autoCapitalize="characters"
                  spellCheck={false}
                  value={tapCode}
                  onChange={(e) => setTapCode(e.target.value)}
                  required
                />
                <div className="actions">
                  <button type="button" className="secondary" onClick={close}>Cancel</button>
                  <button type="submit" className="primary" disabled={busy || tapCode.trim() === ""}>Verify</button>
                </div>
              </form>
            )}
          </div>
        )}

        {step.name === "creating" && (
          <div aria-busy="true">
            <h2 id={titleId} tabIndex={-1}>Creating your passkey</h2>
            <p role="status">Follow the steps in your browser to save your passkey.</p>
          </div>
        )}

        {step.name === "failed" && (
          <div>
            <h2 id={titleId} tabIndex={-1}>Your passkey wasn&apos;t added</h2>
            <p className="error" role="alert">{step.message}</p>
            <div className="actions">
              <button type="button" className="secondary" onClick={close}>Cancel</button>
              <button type="button" className="primary" data-autofocus onClick={() => setStep({ name: "where" })}>
                Try again
              </button>
            </div>
          </div>
        )}

        {step.name === "name" && (
          <form onSubmit={(e) => void finish(e)} noValidate>
            <h2 id={titleId} tabIndex={-1}>Name your passkey</h2>
            <p role="status">Passkey created. Give it a name you&apos;ll recognise.</p>
            <label htmlFor={nameId}>Passkey name</label>
            <input
              id={nameId}
              data-autofocus
              value={name}
              maxLength={64}
              onChange={(e) => setName(e.target.value)}
              aria-invalid={step.error ? true : undefined}
              aria-describedby={step.error ? `${nameId}-error` : undefined}
            />
            {step.error && <p className="error" id={`${nameId}-error`} role="alert">{step.error}</p>}
            <div className="actions">
              <button type="submit" className="primary" disabled={busy}>Done</button>
            </div>
          </form>
        )}
      </dialog>
    </>
  );
}
