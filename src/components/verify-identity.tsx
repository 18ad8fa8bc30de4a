"use client";

import { useId, useState } from "react";
import { ApiError, callApi } from "./api";
import { passkeySignIn } from "./passkey-sign-in";
import { describeWebAuthnError } from "./webauthn-errors";

interface Props {
  email: string;
  /** With passkeys the user verifies with one; without, with their Temporary Access Pass. */
  hasPasskeys: boolean;
  titleId: string;
  purpose: string;
  onVerified: () => void;
  onCancel: () => void;
}

/** "Verify your identity": a fresh multifactor sign-in in place, without leaving the dialog. */
export function VerifyIdentity({ email, hasPasskeys, titleId, purpose, onVerified, onCancel }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [code, setCode] = useState("");
  const codeId = useId();

  async function verify(action: () => Promise<unknown>, ceremony: boolean) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : ceremony ? describeWebAuthnError(e, "get") : "Something went wrong.");
      setBusy(false);
      return;
    }
    setBusy(false);
    onVerified();
  }

  const withPasskey = () => verify(() => passkeySignIn(email), true);

  return (
    <div>
      <h2 id={titleId} tabIndex={-1}>
        Verify your identity
      </h2>
      <p>For your security, confirm it&apos;s you before you {purpose}.</p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {hasPasskeys ? (
        <div className="actions">
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className="primary" data-autofocus disabled={busy} onClick={() => void withPasskey()}>
            Use a passkey
          </button>
        </div>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void verify(() => callApi("/api/auth/tap", { body: { email, code } }), false);
          }}
        >
          <label htmlFor={codeId}>Temporary Access Pass</label>
          <input
            id={codeId}
            data-autofocus
            autoComplete="one-time-code"
            autoCapitalize="characters"
            spellCheck={false}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            required
          />
          <div className="actions">
            <button type="button" className="secondary" onClick={onCancel}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={busy || code.trim() === ""}>
              Verify
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
