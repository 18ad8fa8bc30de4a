"use client";

import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState } from "react";
import { AddMethodDialog, type AddMethodDialogHandle } from "./add-method-dialog";
import { ApiError, callApi } from "./api";
import { autoRegisterPasskey, browserSupportsAutoRegister } from "./auto-register";
import { SignOutButton } from "./sign-out-button";
import { useHydrated } from "./use-hydrated";

interface Props {
  email: string;
  /** Whether "Not now" is offered, and how many more times. */
  skippable: boolean;
  skipsLeft: number;
  /** Where the user was going (a safe same-origin path). */
  returnTo: string;
  /** Right after a password + code sign-in: try a conditional create in the background first. */
  tryAutoRegister: boolean;
}

/**
 * The passkey registration prompt shown after sign-in: Next runs the usual add-passkey dialog,
 * Not now (while allowed) rests the prompt; either way the user then goes on to `returnTo`.
 */
export function CampaignPrompt({ email, skippable, skipsLeft, returnTo, tryAutoRegister }: Props) {
  const hydrated = useHydrated();
  const router = useRouter();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const nextRef = useRef<HTMLButtonElement>(null);
  const hostRef = useRef<HTMLDivElement>(null);
  const addRef = useRef<AddMethodDialogHandle>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const headingId = useId();

  const goOn = () => window.location.replace(returnTo);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  // The dialog returns focus to its own (hidden) opener; here Next is what the user pressed.
  useEffect(() => {
    const dialog = hostRef.current?.querySelector("dialog");
    if (!dialog) return;
    const refocus = () => setTimeout(() => nextRef.current?.focus(), 0);
    dialog.addEventListener("close", refocus);
    return () => dialog.removeEventListener("close", refocus);
  }, []);

  // Passkey upgrade: the password manager that just filled the password may save a passkey
  // without asking. It runs in the background; any failure leaves the prompt as it is, and Next
  // (a new ceremony) or leaving the page simply abandons it.
  useEffect(() => {
    if (!tryAutoRegister) return;
    let active = true;
    void (async () => {
      try {
        if (!(await browserSupportsAutoRegister()) || !active) return;
        await autoRegisterPasskey();
        if (active) goOn();
      } catch {
        // Silent by design: the prompt below is the fallback.
      }
    })();
    return () => {
      active = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  async function notNow() {
    setBusy(true);
    setError(null);
    try {
      await callApi("/api/me/campaign/skip");
      goOn();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "Something went wrong. Please try again.");
      setBusy(false);
      // The prompt changed meanwhile (another tab used the last skip): show it as it is now.
      if (e instanceof ApiError && e.code === "CAMPAIGN_SKIP_NOT_ALLOWED") router.refresh();
    }
  }

  return (
    <section className="card campaign" aria-labelledby={headingId}>
      <h1 id={headingId} ref={headingRef} tabIndex={-1}>
        Add a passkey for a faster, more secure sign-in
      </h1>
      <p>
        With a passkey you sign in with your face, fingerprint or PIN instead of a password and a code. Passkeys
        can&apos;t be phished or used on other sites.
      </p>
      <p className="campaign-account">
        <span className="hint">Signed in as</span> <strong>{email}</strong>
      </p>
      {skippable ? (
        <p className="hint">
          You can choose Not now {skipsLeft === 1 ? "1 more time" : `${skipsLeft} more times`}.
        </p>
      ) : (
        <p className="campaign-required">Your organization requires a passkey. Add one to continue.</p>
      )}
      <div className="messages" aria-live="polite">
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </div>
      <div className="actions">
        {skippable && (
          <button type="button" className="secondary" disabled={!hydrated || busy} onClick={() => void notNow()}>
            Not now
          </button>
        )}
        <button
          ref={nextRef}
          type="button"
          className="primary"
          disabled={!hydrated || busy}
          onClick={() => addRef.current?.open("where")}
        >
          Next
        </button>
      </div>
      {!skippable && (
        <p className="campaign-signout">
          Can&apos;t add one now? <SignOutButton />
        </p>
      )}
      <div className="campaign-dialog-host" ref={hostRef}>
        <AddMethodDialog
          ref={addRef}
          email={email}
          hasPasskeys={false}
          passkeyUnavailable={null}
          onCreated={() => undefined}
          onAdded={() => goOn()}
        />
      </div>
    </section>
  );
}
