"use client";

import { browserSupportsWebAuthn } from "@simplewebauthn/browser";
import { useEffect, useId, useRef, useState } from "react";
import { ApiError, callApi } from "./api";
import { passkeySignIn } from "./passkey-sign-in";
import { identify } from "./sign-in-choices";
import { describeWebAuthnError } from "./webauthn-errors";

interface Props {
  email: string;
  /** With passkeys the user is first offered one; without, what the account has (else a pass). */
  hasPasskeys: boolean;
  titleId: string;
  purpose: string;
  onVerified: () => void;
  onCancel: () => void;
}

/** The multifactor ways to verify: a password alone is single-factor and never offered here. */
type Way = "passkey" | "password_totp" | "tap";

const OTHER_WAY_LABELS: Record<Way, string> = {
  passkey: "Use a passkey instead",
  password_totp: "Use your password and code instead",
  tap: "Use a Temporary Access Pass instead",
};

/**
 * "Verify your identity": a fresh multifactor sign-in in place, without leaving the dialog, with a
 * passkey, a password and authenticator-app code, or a Temporary Access Pass.
 */
export function VerifyIdentity({ email, hasPasskeys, titleId, purpose, onVerified, onCancel }: Props) {
  const passkeys = hasPasskeys && browserSupportsWebAuthn();
  // With passkeys the first way is known at once; otherwise it waits for the account's methods.
  const [way, setWay] = useState<Way | null>(passkeys ? "passkey" : null);
  const [ways, setWays] = useState<Way[]>(passkeys ? ["passkey", "tap"] : []);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [tapCode, setTapCode] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const ids = { tap: useId(), password: useId(), code: useId() };
  const rootRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let active = true;
    void (async () => {
      let usable: Way[] = passkeys ? ["passkey", "tap"] : ["tap"];
      let first: Way = usable[0]!;
      try {
        const { methods, preferred } = await identify(email, browserSupportsWebAuthn());
        usable = (["passkey", "password_totp", "tap"] as const).filter((m) => methods.includes(m) || (m === "passkey" && passkeys));
        first = usable.find((m) => m === preferred) ?? usable[0]!;
      } catch {
        // Not reachable now: offer what is known without asking.
      }
      if (!active) return;
      setWays(usable);
      setWay((current) => current ?? first);
    })();
    return () => {
      active = false;
    };
  }, [email, passkeys]);

  // A way shown after the dialog opened (or chosen instead of another) takes focus.
  const shown = useRef(way);
  useEffect(() => {
    if (shown.current === way) return;
    shown.current = way;
    rootRef.current?.querySelector<HTMLElement>("[data-autofocus]")?.focus();
  }, [way]);

  async function verify(action: () => Promise<unknown>, ceremony: boolean, onRefused?: () => void) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : ceremony ? describeWebAuthnError(e, "get") : "Something went wrong.");
      setBusy(false);
      onRefused?.();
      return;
    }
    setBusy(false);
    onVerified();
  }

  function choose(next: Way) {
    setError(null);
    setWay(next);
  }

  const cancel = (
    <button type="button" className="secondary" onClick={onCancel}>
      Cancel
    </button>
  );

  return (
    <div className="step-up" ref={rootRef}>
      <h2 id={titleId} tabIndex={-1}>
        Verify your identity
      </h2>
      <p>For your security, confirm it&apos;s you before you {purpose}.</p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}

      {way === null && (
        <>
          <p role="status">Finding how you can verify&hellip;</p>
          <div className="actions">{cancel}</div>
        </>
      )}

      {way === "passkey" && (
        <div className="actions">
          {cancel}
          <button
            type="button"
            className="primary"
            data-autofocus
            disabled={busy}
            onClick={() => void verify(() => passkeySignIn(email, false, true), true)}
          >
            Use a passkey
          </button>
        </div>
      )}

      {way === "password_totp" && (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void verify(() => callApi("/api/auth/password", { body: { email, password, code } }), false, () => {
              setPassword("");
              setCode("");
              rootRef.current?.querySelector<HTMLElement>("[data-autofocus]")?.focus();
            });
          }}
        >
          <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
          <label htmlFor={ids.password}>Password</label>
          <input
            id={ids.password}
            type="password"
            autoComplete="current-password"
            data-autofocus
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <label htmlFor={ids.code}>Code from your authenticator app</label>
          <input
            id={ids.code}
            type="text"
            inputMode="numeric"
            autoComplete="one-time-code"
            spellCheck={false}
            maxLength={9}
            required
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
          <div className="actions">
            {cancel}
            <button type="submit" className="primary" disabled={busy || password === "" || code.trim() === ""}>
              Verify
            </button>
          </div>
        </form>
      )}

      {way === "tap" && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void verify(() => callApi("/api/auth/tap", { body: { email, code: tapCode } }), false);
          }}
        >
          <label htmlFor={ids.tap}>Temporary Access Pass</label>
          <input
            id={ids.tap}
            data-autofocus
            autoComplete="one-time-code"
            autoCapitalize="characters"
            spellCheck={false}
            value={tapCode}
            onChange={(e) => setTapCode(e.target.value)}
            required
          />
          <div className="actions">
            {cancel}
            <button type="submit" className="primary" disabled={busy || tapCode.trim() === ""}>
              Verify
            </button>
          </div>
        </form>
      )}

      {way !== null && ways.length > 1 && (
        <div className="step-up-ways">
          {ways
            .filter((w) => w !== way)
            .map((w) => (
              <button key={w} type="button" className="link" disabled={busy} onClick={() => choose(w)}>
                {OTHER_WAY_LABELS[w]}
              </button>
            ))}
        </div>
      )}
    </div>
  );
}
