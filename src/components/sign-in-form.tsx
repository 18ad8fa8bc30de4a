"use client";

import { browserSupportsWebAuthn, browserSupportsWebAuthnAutofill, WebAuthnAbortService } from "@simplewebauthn/browser";
import { useEffect, useId, useRef, useState } from "react";
import type { IdentifyResponse, SignInOption } from "@/contracts/auth";
import { ApiError, callApi } from "./api";
import { passkeySignIn } from "./passkey-sign-in";
import { continueAfterSignIn, identify, SIGN_IN_LABELS } from "./sign-in-choices";
import { useHydrated } from "./use-hydrated";
import { describeWebAuthnError } from "./webauthn-errors";

type Step =
  | { name: "email" }
  | { name: "passkey"; waiting: boolean }
  | { name: "password"; withCode: boolean }
  | { name: "tap" }
  | { name: "other" };

const HEADINGS: Record<Step["name"], string> = {
  email: "Sign in",
  passkey: "Use your passkey",
  password: "Enter password",
  tap: "Enter your Temporary Access Pass",
  other: "Sign in another way",
};

/**
 * Identifier-first sign-in: the email, then the account's preferred way in, with every other way
 * it has one tap away ("Sign in another way"). Unknown emails get the same steps.
 */
export function SignInForm({ returnTo }: { returnTo: string }) {
  const hydrated = useHydrated();
  const webauthn = !hydrated || browserSupportsWebAuthn();
  const [step, setStep] = useState<Step>({ name: "email" });
  const [account, setAccount] = useState<IdentifyResponse | null>(null);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [tapCode, setTapCode] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ids = { email: useId(), password: useId(), code: useId(), tap: useId(), error: useId() };
  const cardRef = useRef<HTMLDivElement>(null);
  // Each passkey ceremony gets a number; a result of one the user has since left is ignored.
  const ceremony = useRef(0);

  const done = () => continueAfterSignIn(returnTo);

  // Passkey autofill (conditional UI): the browser offers saved passkeys in the email field's
  // suggestions; picking one signs in at once. It waits in the background while the email step
  // shows, until another ceremony replaces it.
  const onEmailStep = step.name === "email";
  useEffect(() => {
    if (!onEmailStep || !browserSupportsWebAuthn()) return;
    let active = true;
    void (async () => {
      if (!(await browserSupportsWebAuthnAutofill()) || !active) return;
      try {
        await passkeySignIn(undefined, true);
        // Signed in: go on, whatever the page shows meanwhile.
        done();
      } catch (e) {
        // Aborted by another ceremony, no passkey picked, or the background request failed:
        // autofill is an extra, so only a refused passkey is worth telling the user about.
        if (e instanceof ApiError && e.status === 401 && active) setError(e.message);
      }
    })();
    return () => {
      active = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [onEmailStep]);

  // Each new step takes focus to its first field, or to its heading.
  const stepKey = step.name === "password" ? `password-${step.withCode}` : step.name === "passkey" ? `passkey-${step.waiting}` : step.name;
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const card = cardRef.current;
    (card?.querySelector<HTMLElement>("[data-autofocus]") ?? card?.querySelector<HTMLElement>("h1"))?.focus();
  }, [stepKey]);

  function show(next: Step) {
    setError(null);
    setStep(next);
  }

  function leavePasskey() {
    // A ceremony still waiting for the browser's prompt is cancelled, quietly.
    ceremony.current++;
    WebAuthnAbortService.cancelCeremony();
  }

  function open(method: SignInOption) {
    leavePasskey();
    setPassword("");
    setCode("");
    if (method === "passkey") void runPasskey();
    else if (method === "tap") show({ name: "tap" });
    else show({ name: "password", withCode: method === "password_totp" });
  }

  async function runPasskey() {
    const mine = ++ceremony.current;
    show({ name: "passkey", waiting: true });
    try {
      await passkeySignIn(email);
      if (mine === ceremony.current) done();
    } catch (e) {
      if (mine !== ceremony.current) return;
      setStep({ name: "passkey", waiting: false });
      setError(e instanceof ApiError ? e.message : describeWebAuthnError(e, "get"));
    }
  }

  async function onEmailSubmit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const found = await identify(email, webauthn);
      setAccount(found);
      setBusy(false);
      open(found.preferred);
    } catch (e) {
      const invalid = e instanceof ApiError && e.code === "INVALID_REQUEST";
      setError(invalid ? "Enter a valid email address." : e instanceof ApiError ? e.message : "Something went wrong. Please try again.");
      setBusy(false);
      focusStepField();
    }
  }

  /** Back to the step's first field after a refusal (its button was disabled meanwhile). */
  function focusStepField() {
    cardRef.current?.querySelector<HTMLElement>("[data-autofocus]")?.focus();
  }

  async function submit(url: string, body: unknown, onRefused: () => void) {
    setBusy(true);
    setError(null);
    try {
      await callApi(url, { body });
      done();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "Something went wrong. Please try again.");
      setBusy(false);
      onRefused();
    }
  }

  function backToEmail() {
    leavePasskey();
    setAccount(null);
    setPassword("");
    setCode("");
    setTapCode("");
    show({ name: "email" });
  }

  const messages = (
    <div className="messages" aria-live="polite">
      {error && (
        <p className="error" id={ids.error} role="alert">
          {error}
        </p>
      )}
    </div>
  );

  const identity = step.name !== "email" && (
    <div className="signin-identity">
      <button type="button" className="link" onClick={backToEmail} disabled={busy}>
        Back
      </button>
      <span className="signin-email">{email.trim()}</span>
    </div>
  );

  const otherWays = (
    <button type="button" className="link" disabled={busy} onClick={() => {
        leavePasskey();
        show({ name: "other" });
      }}
    >
      Sign in another way
    </button>
  );

  return (
    <div className="card signin" ref={cardRef}>
      {identity}
      <h1 tabIndex={-1}>{HEADINGS[step.name]}</h1>

      {step.name === "email" && (
        <>
          <form onSubmit={onEmailSubmit} noValidate aria-describedby={error ? ids.error : undefined}>
            <label htmlFor={ids.email}>Email</label>
            <input
              id={ids.email}
              disabled={!hydrated}
              name="email"
              type="email"
              inputMode="email"
              autoComplete="username webauthn"
              autoCapitalize="none"
              spellCheck={false}
              required
              data-autofocus
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              placeholder="someone@example.com"
            />
            {messages}
            <button type="submit" className="primary" disabled={busy || !hydrated || email.trim() === ""}>
              Next
            </button>
          </form>
          {webauthn && (
            <div className="alternatives">
              <button
                type="button"
                className="secondary"
                disabled={busy || !hydrated}
                onClick={() => {
                  setBusy(true);
                  setError(null);
                  passkeySignIn(undefined).then(done, (e: unknown) => {
                    setError(e instanceof ApiError ? e.message : describeWebAuthnError(e, "get"));
                    setBusy(false);
                  });
                }}
              >
                <span aria-hidden="true" className="key-glyph" />
                Sign in with a passkey
              </button>
            </div>
          )}
        </>
      )}

      {step.name === "passkey" && (
        <>
          {step.waiting ? (
            <p role="status">Follow the steps in your browser to sign in with your passkey.</p>
          ) : (
            <p>Your passkey wasn&apos;t used. You can try again, or sign in another way.</p>
          )}
          {messages}
          {!step.waiting && (
            <button type="button" className="primary" data-autofocus onClick={() => void runPasskey()}>
              Try again
            </button>
          )}
          <div className="alternatives">{otherWays}</div>
        </>
      )}

      {step.name === "password" && (
        <>
          {/* One form for both factors: a refusal never says which of them was wrong. */}
          <form
            noValidate
            aria-describedby={error ? ids.error : undefined}
            onSubmit={(e) => {
              e.preventDefault();
              void submit("/api/auth/password", { email, password, ...(step.withCode && { code }) }, () => {
                setPassword("");
                setCode("");
                focusStepField();
              });
            }}
          >
            {/* Lets password managers know whose password this is. */}
            <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
            <label htmlFor={ids.password}>Password</label>
            <input
              id={ids.password}
              name="password"
              type="password"
              autoComplete="current-password"
              required
              data-autofocus
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            {step.withCode && (
              <>
                <label htmlFor={ids.code}>Code from your authenticator app</label>
                <input
                  id={ids.code}
                  name="code"
                  type="text"
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  spellCheck={false}
                  required
                  maxLength={9}
                  value={code}
                  onChange={(e) => setCode(e.target.value)}
                />
              </>
            )}
            {messages}
            <button
              type="submit"
              className="primary"
              disabled={busy || password === "" || (step.withCode && code.trim() === "")}
            >
              Sign in
            </button>
          </form>
          <div className="alternatives">{otherWays}</div>
        </>
      )}

      {step.name === "tap" && (
        <>
          <form
            noValidate
            aria-describedby={error ? ids.error : undefined}
            onSubmit={(e) => {
              e.preventDefault();
              void submit("/api/auth/tap", { email, code: tapCode }, focusStepField);
            }}
          >
            <p className="hint">Enter the Temporary Access Pass your administrator gave you.</p>
            <label htmlFor={ids.tap}>Temporary Access Pass</label>
            <input
              id={ids.tap}
              name="code"
              type="text"
              autoComplete="one-time-code"
              autoCapitalize="characters"
              spellCheck={false}
              required
              data-autofocus
              value={tapCode}
              onChange={(e) => setTapCode(e.target.value)}
              placeholder="XXXX-XXXX-XXXX-XXXX"
            />
            {messages}
            <button type="submit" className="primary" disabled={busy || tapCode.trim() === ""}>
              Sign in
            </button>
          </form>
          <div className="alternatives">{otherWays}</div>
        </>
      )}

      {step.name === "other" && account && (
        <>
          <p className="hint">Choose how you want to sign in.</p>
          <ul className="signin-choices">
            {account.methods.map((method, i) => (
              <li key={method}>
                <button type="button" className="secondary" data-autofocus={i === 0 ? "" : undefined} onClick={() => open(method)}>
                  {SIGN_IN_LABELS[method]}
                </button>
              </li>
            ))}
          </ul>
          {messages}
        </>
      )}
    </div>
  );
}
