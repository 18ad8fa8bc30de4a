"use client";

import { useId } from "react";

/** The FIDO metadata blob the server loaded at start-up, as the policy page shows it. */
export interface PolicyMetadataStatus {
  no: number;
  /** YYYY-MM-DD */
  nextUpdate: string;
  statements: number;
  dropped: number;
  stale: boolean;
}

interface Props {
  checked: boolean;
  onChange: (checked: boolean) => void;
  metadata: PolicyMetadataStatus | null;
}

/**
 * The "Enforce attestation" setting and the loaded metadata it depends on. Without a blob the
 * control can only be turned off: the server refuses to enforce with nothing to verify against.
 */
export function PolicyAttestation({ checked, onChange, metadata }: Props) {
  const ids = { input: useId(), about: useId(), blob: useId() };
  const unavailable = metadata === null;
  return (
    <fieldset className="card policy-group">
      <legend>Attestation</legend>
      <label className="check" htmlFor={ids.input}>
        <input
          id={ids.input}
          type="checkbox"
          checked={checked}
          disabled={unavailable && !checked}
          aria-describedby={`${ids.about} ${ids.blob}`}
          onChange={(e) => onChange(e.target.checked)}
        />
        <span>
          Enforce attestation
          <span id={ids.about} className="hint">
            Accept only passkeys that prove their make and model with a certificate found in the FIDO metadata. Passkeys
            from password managers and most phones give no such proof and are refused, at registration and at sign-in.
          </span>
        </span>
      </label>
      <div id={ids.blob} className="policy-metadata">
        {unavailable ? (
          <p className={checked ? "warning" : "notice"}>
            {checked
              ? "Attestation is enforced, but no FIDO metadata blob is loaded, so every new passkey is refused. Turn enforcement off, or load a blob and restart the server."
              : "You can't turn this on yet: no FIDO metadata blob is loaded. Set MDS_BLOB_PATH to a blob downloaded from the FIDO Alliance and restart the server."}
          </p>
        ) : (
          <>
            <h2 className="policy-list-heading">Loaded FIDO metadata</h2>
            <dl className="policy-metadata-facts">
              <div>
                <dt>Blob number</dt>
                <dd>{metadata.no}</dd>
              </div>
              <div>
                <dt>Next update</dt>
                <dd>
                  <time dateTime={metadata.nextUpdate}>{metadata.nextUpdate}</time>
                </dd>
              </div>
              <div>
                <dt>Authenticator models</dt>
                <dd>
                  {metadata.statements}
                  {metadata.dropped > 0 && ` (${metadata.dropped} left out as compromised or revoked)`}
                </dd>
              </div>
            </dl>
            {metadata.stale && (
              <p className="warning">
                This blob is out of date: FIDO published a newer one by {metadata.nextUpdate}. Download the current blob and
                restart the server, so that newly compromised authenticators are refused.
              </p>
            )}
          </>
        )}
      </div>
    </fieldset>
  );
}
