"use client";

import { browserSupportsWebAuthn, browserSupportsWebAuthnAutofill, startAuthentication } from "@simplewebauthn/browser";
import { useEffect, useId, useRef, useState } from "react";
import { ApiError, callApi } from "./api";
import { getSignInOptions, passkeySignIn, verifyPasskeySignIn } from "./passkey-sign-in";
import { useHydrated } from "./use-hydrated";
import { describeWebAuthnError } from "./webauthn-errors";

type Mode = "passkey" | "tap";

/** Thrown to leave a flow quietly after it changed what the page shows. */
class Skip extends Error {}

export function SignInForm({ returnTo }: { returnTo: string }) {
  const hydrated = useHydrated();
  const [chosenMode, setMode] = useState<Mode>("passkey");
  // Without WebAuthn in this browser, a Temporary Access Pass is the only way in.
  const webauthn = !hydrated || browserSupportsWebAuthn();
  const mode: Mode = webauthn ? chosenMode : "tap";
  const [email, setEmail] = useState("");
  const [code, setCode] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const emailId = useId();
  const codeId = useId();
  const errorId = useId();
  const codeRef = useRef<HTMLInputElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const done = () => window.location.assign(returnTo);

  // Passkey autofill (conditional UI): the browser offers saved passkeys in the email field's
  // suggestions; picking one signs in at once. It waits in the background until then.
  useEffect(() => {
    if (!browserSupportsWebAuthn()) return;
    let cancelled = false;
    void (async () => {
      if (!(await browserSupportsWebAuthnAutofill()) || cancelled) return;
      try {
        await passkeySignIn(undefined, true);
        if (!cancelled) done();
      } catch (e) {
        // Aborted by another ceremony, no passkey picked, or the background request failed:
        // autofill is an extra, so only a refused passkey is worth telling the user about.
        if (e instanceof ApiError && e.status === 401 && !cancelled) setError(e.message);
      }
    })();
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    if (mode === "tap" && email) codeRef.current?.focus();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [mode]);

  async function run(action: () => Promise<void>, ceremony: boolean) {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await action();
      done();
    } catch (e) {
      if (e instanceof Skip) {
        setBusy(false);
        return;
      }
      setError(e instanceof ApiError ? e.message : ceremony ? describeWebAuthnError(e, "get") : "Something went wrong.");
      setBusy(false);
    }
  }

  function onPasskeySubmit(event: React.FormEvent) {
    event.preventDefault();
    void run(async () => {
      const optionsJSON = await getSignInOptions(email);
      if (!optionsJSON.allowCredentials || optionsJSON.allowCredentials.length === 0) {
        // Nothing to offer for this account yet: a Temporary Access Pass is the way in.
        setMode("tap");
        setNotice("Enter the Temporary Access Pass your administrator gave you.");
        throw new Skip();
      }
      const response = await startAuthentication({ optionsJSON });
      await verifyPasskeySignIn(response);
    }, true);
  }

  function onTapSubmit(event: React.FormEvent) {
    event.preventDefault();
    void run(() => callApi("/api/auth/tap", { body: { email, code } }).then(() => undefined), false);
  }

  return (
    <div className="card signin">
      <h1 ref={headingRef} tabIndex={-1}>
        Sign in
      </h1>
      <form onSubmit={mode === "passkey" ? onPasskeySubmit : onTapSubmit} noValidate aria-describedby={error ? errorId : undefined}>
        <label htmlFor={emailId}>Email</label>
        <input
          id={emailId}
          disabled={!hydrated}
          name="email"
          type="email"
          inputMode="email"
          autoComplete="username webauthn"
          autoCapitalize="none"
          spellCheck={false}
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          placeholder="someone@example.com"
        />
        {mode === "tap" && (
          <>
            <label htmlFor={codeId}>Temporary Access Pass</label>
            <input
              id={codeId}
              disabled={!hydrated}
              ref={codeRef}
              name="code"
              type="text"
              autoComplete="one-time-code"
              autoCapitalize="characters"
              spellCheck={false}
              required
              value={code}
              onChange={(e) => setCode(e.target.value)}
              placeholder="XXXX-XXXX-XXXX-XXXX"
            />
          </>
        )}
        <div className="messages" aria-live="polite">
          {notice && <p className="notice">{notice}</p>}
          {error && (
            <p className="error" id={errorId} role="alert">
              {error}
            </p>
          )}
        </div>
        <button type="submit" className="primary" disabled={busy || email.trim() === ""}>
          {mode === "passkey" ? "Next" : "Sign in"}
        </button>
      </form>
      <div className="alternatives">
        {webauthn && (
          <button
            type="button"
            className="secondary"
            disabled={busy || !hydrated}
            onClick={() => void run(() => passkeySignIn(undefined), true)}
          >
            <span aria-hidden="true" className="key-glyph" />
            Sign in with a passkey
          </button>
        )}
        {mode === "passkey" ? (
          <button type="button" className="link" disabled={!hydrated} onClick={() => { setMode("tap"); setError(null); setNotice(null); }}>
            Use a Temporary Access Pass
          </button>
        ) : (
          webauthn && (
            <button type="button" className="link" onClick={() => { setMode("passkey"); setError(null); setNotice(null); }}>
              Use a passkey instead
            </button>
          )
        )}
      </div>
    </div>
  );
}

