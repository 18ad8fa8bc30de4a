"use client";

import {
  startRegistration,
  WebAuthnAbortService,
  type PublicKeyCredentialCreationOptionsJSON,
} from "@simplewebauthn/browser";
import { useEffect, useId, useState, type RefObject } from "react";
import type { PasskeyResponse, PasskeySummary } from "@/contracts/passkeys";
import { checkPasskeyName } from "@/contracts/passkey-name";
import type { AuthenticatorType } from "@/contracts/webauthn";
import { ApiError, callApi } from "./api";
import { PasskeyNameField } from "./name-counter";
import { useStepFocus } from "./use-step-focus";
import { useStepUp } from "./use-step-up";
import { VerifyIdentity } from "./verify-identity";
import { classifyCreateError, CREATE_FAILURE_MESSAGES } from "./webauthn-errors";

type Step =
  | { name: "where" }
  | { name: "creating"; slow: boolean }
  | { name: "failed"; message: string }
  | { name: "name"; passkey: PasskeySummary; error?: string };

const PLACES: { value: AuthenticatorType; label: string; hint: string }[] = [
  { value: "localDevice", label: "This device", hint: "Save it on this phone or computer." },
  { value: "remoteDevice", label: "Another device", hint: "Use a phone or tablet by scanning a QR code." },
  { value: "securityKey", label: "Security key", hint: "Use a USB, NFC or Bluetooth key." },
];

/** After this long without an answer, offer a way out: the chosen place may not be available. */
const SLOW_AFTER_MS = 10_000;

interface Props {
  /** The add-method dialog this flow is shown in: the flow closes it and moves focus within it. */
  dialogRef: RefObject<HTMLDialogElement | null>;
  /** The id the dialog is labelled by, given to each step's heading. */
  titleId: string;
  email: string;
  hasPasskeys: boolean;
  /** Back to the choice of method. */
  onBack: () => void;
  /** Called as soon as the passkey exists on the server, before naming. */
  onCreated: (passkey: PasskeySummary) => void;
  /** Called with the new passkey once it is named (or kept with its default name). */
  onAdded: (passkey: PasskeySummary) => void;
}

/** Where to save it > the browser prompt > Name > Done; a stale sign-in verifies on the way. */
export function AddPasskeyFlow({ dialogRef, titleId, email, hasPasskeys, onBack, onCreated, onAdded }: Props) {
  const [step, setStep] = useState<Step>({ name: "where" });
  const stepUp = useStepUp();
  const [place, setPlace] = useState<AuthenticatorType>("localDevice");
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const nameId = useId();

  useStepFocus(dialogRef, stepUp.verifying ? "verify" : step.name);

  // Closing the dialog (Escape) mid-prompt unmounts this flow: stop waiting for the browser too.
  const creating = step.name === "creating";
  useEffect(() => {
    if (!creating) return;
    return () => WebAuthnAbortService.cancelCeremony();
  }, [creating]);

  const close = () => dialogRef.current?.close();

  async function createPasskey() {
    // After a step-up too, "Creating your passkey" shows at once: the browser prompt is what comes next.
    stepUp.reset();
    setBusy(true);
    setStep({ name: "creating", slow: false });
    const slowTimer = setTimeout(() => setStep((s) => (s.name === "creating" ? { ...s, slow: true } : s)), SLOW_AFTER_MS);
    try {
      let optionsJSON: PublicKeyCredentialCreationOptionsJSON;
      try {
        optionsJSON = await callApi("/api/webauthn/registration/options", { body: { authenticatorType: place } });
      } catch (e) {
        if (stepUp.required(e, () => void createPasskey())) {
          setStep({ name: "where" });
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
    close();
    onAdded(passkey);
  }

  if (stepUp.verifying) {
    return (
      <VerifyIdentity
        email={email}
        hasPasskeys={hasPasskeys}
        titleId={titleId}
        purpose="add a passkey"
        onCancel={close}
        onVerified={stepUp.verified}
      />
    );
  }

  return (
    <>
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
            <button type="button" className="secondary" onClick={onBack}>
              Back
            </button>
            <button type="submit" className="primary" disabled={busy}>
              Next
            </button>
          </div>
        </form>
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
          <PasskeyNameField id={nameId} value={name} onChange={setName} error={step.error} autoFocusInStep />
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              Done
            </button>
          </div>
        </form>
      )}
    </>
  );
}
