"use client";

import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState } from "react";
import type { AdminPasskeyDetail, AdminUserDetail } from "@/contracts/admin-users";
import type { PolicyRule } from "@/contracts/policy";
import { ApiError, callApi } from "../api";
import { useStepUp } from "../use-step-up";
import { VerifyIdentity } from "../verify-identity";
import { formatUtc } from "./users-format";

/** Why the current policy refuses a passkey, as the administrator's user page says it. */
const ADMIN_POLICY_RULE_LABELS: Record<PolicyRule, string> = {
  disabled: "passkeys are turned off",
  notTargeted: "the policy doesn't target this user",
  syncedNotAllowed: "only device-bound passkeys are allowed, and this one is synced",
  aaguidNotAllowed: "this provider isn't on the allow list",
  aaguidBlocked: "this provider is on the block list",
  attestationNotVerified: "attestation is enforced and this passkey's attestation wasn't verified",
};

export type AdminUserAction =
  | { kind: "delete-passkey"; passkeyId: string; passkeyName: string }
  | { kind: "tap" }
  | { kind: "revoke-sessions" }
  | { kind: "reregister" }
  | { kind: "clear-sign-in-lock" };

interface IssuedTap {
  code: string;
  expiresAt: string;
  oneTime: boolean;
}

type Step = { name: "confirm"; error?: string } | { name: "done"; message: string; tap?: IssuedTap };

interface Props {
  userId: string;
  userEmail: string;
  adminEmail: string;
  adminHasPasskeys: boolean;
  passkeys: AdminPasskeyDetail[];
  signInLock: AdminUserDetail["signInLock"];
}

const TITLES: Record<AdminUserAction["kind"], string> = {
  "delete-passkey": "Delete passkey",
  tap: "Add a Temporary Access Pass",
  "revoke-sessions": "Revoke sessions",
  reregister: "Require re-registration of passkeys",
  "clear-sign-in-lock": "Clear sign-in lock",
};

/**
 * The administrator's actions on one user, and the user's passkeys with a delete button each:
 * every action confirms in a dialog, steps up when the administrator's sign-in is no longer
 * fresh, then refreshes the page's data.
 */
export function UserActions(props: Props) {
  const [action, setAction] = useState<AdminUserAction | null>(null);
  const trigger = useRef<HTMLElement | null>(null);
  const open = (event: React.MouseEvent<HTMLButtonElement>, next: AdminUserAction) => {
    trigger.current = event.currentTarget;
    setAction(next);
  };
  const onClosed = () => {
    setAction(null);
    // Back to the button that opened the dialog, or the heading when that button is gone.
    if (trigger.current?.isConnected) trigger.current.focus();
    else document.querySelector<HTMLElement>("#passkeys-heading")?.focus();
  };
  return (
    <>
      <div className="admin-actions">
        <button type="button" className="secondary" onClick={(e) => open(e, { kind: "tap" })}>
          Add Temporary Access Pass
        </button>
        <button type="button" className="secondary" onClick={(e) => open(e, { kind: "revoke-sessions" })}>
          Revoke sessions
        </button>
        <button type="button" className="secondary" disabled={props.passkeys.length === 0} onClick={(e) => open(e, { kind: "reregister" })}>
          Require re-registration of passkeys
        </button>
        {props.signInLock && (
          <button type="button" className="secondary" onClick={(e) => open(e, { kind: "clear-sign-in-lock" })}>
            Clear sign-in lock
          </button>
        )}
      </div>
      <h2 id="passkeys-heading" tabIndex={-1}>
        Passkeys <span className="count">({props.passkeys.length})</span>
      </h2>
      {props.passkeys.length === 0 ? (
        <p className="empty">No passkeys registered.</p>
      ) : (
        <ul className="methods" aria-labelledby="passkeys-heading">
          {props.passkeys.map((p) => (
            <li key={p.id} className="method">
              <span className="method-icon">
                <picture>
                  <source srcSet={p.providerIconDark} media="(prefers-color-scheme: dark)" />
                  <img src={p.providerIconLight} alt="" width={40} height={40} />
                </picture>
              </span>
              <div className="method-body">
                <span className="method-name">{p.name}</span>
                <span className="method-provider">{p.providerName}</span>
                <dl className="passkey-details">
                  <dt>AAGUID</dt>
                  <dd>{p.aaguid}</dd>
                  <dt>Type</dt>
                  <dd>{p.synced ? "Synced" : "Device-bound"}</dd>
                  <dt>Backed up</dt>
                  <dd>{p.backedUp ? "Yes" : "No"}</dd>
                  <dt>Attestation</dt>
                  <dd>
                    {p.attestationFormat} ({p.attestationVerified ? "verified" : "not verified"})
                  </dd>
                  <dt>Verifies the user</dt>
                  <dd>{p.userVerified ? "Yes (multifactor sign-in)" : "Not yet (presence only: single-factor sign-in)"}</dd>
                  <dt>Transports</dt>
                  <dd>{p.transports.length > 0 ? p.transports.join(", ") : "Not reported"}</dd>
                  <dt>Created</dt>
                  <dd>{formatUtc(p.createdAt)}</dd>
                  <dt>Last used</dt>
                  <dd>{p.lastUsedAt ? formatUtc(p.lastUsedAt) : "Never"}</dd>
                  <dt>Current policy</dt>
                  <dd className={p.policy.allowed ? undefined : "policy-refused"}>
                    {p.policy.allowed || !p.policy.rule
                      ? "Accepted"
                      : `Refused: ${ADMIN_POLICY_RULE_LABELS[p.policy.rule]}. This passkey can't be used to sign in.`}
                  </dd>
                </dl>
              </div>
              <div className="row-actions">
                <button
                  type="button"
                  className="link danger-link"
                  aria-label={`Delete passkey ${p.name}`}
                  onClick={(e) => open(e, { kind: "delete-passkey", passkeyId: p.id, passkeyName: p.name })}
                >
                  Delete
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <ActionDialog {...props} action={action} onClosed={onClosed} />
    </>
  );
}

function ActionDialog({ userId, userEmail, adminEmail, adminHasPasskeys, action, onClosed }: Props & { action: AdminUserAction | null; onClosed: () => void }) {
  const router = useRouter();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [step, setStep] = useState<Step>({ name: "confirm" });
  const stepUp = useStepUp();
  const resetStepUp = stepUp.reset;
  const [busy, setBusy] = useState(false);
  const [lifetime, setLifetime] = useState("60");
  const [oneTime, setOneTime] = useState(true);
  const titleId = useId();
  const lifetimeId = useId();
  const lifetimeHint = useId();

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (action && !dialog.open) {
      resetStepUp();
      setStep({ name: "confirm" });
      setLifetime("60");
      setOneTime(true);
      dialog.showModal();
    }
  }, [action, resetStepUp]);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog?.open) return;
    (dialog.querySelector<HTMLElement>("[data-autofocus]") ?? dialog.querySelector<HTMLElement>("h2"))?.focus();
  }, [step.name, stepUp.verifying, action]);

  async function run() {
    if (!action) return;
    setBusy(true);
    try {
      const base = `/api/admin/users/${userId}`;
      if (action.kind === "delete-passkey") {
        await callApi(`${base}/passkeys/${action.passkeyId}`, { method: "DELETE", body: {} });
        setStep({ name: "done", message: `The passkey “${action.passkeyName}” was deleted.` });
      } else if (action.kind === "tap") {
        const minutes = Number(lifetime);
        if (!Number.isInteger(minutes) || minutes < 10 || minutes > 480) {
          stepUp.reset();
          setStep({ name: "confirm", error: "Enter a lifetime from 10 to 480 minutes." });
          return;
        }
        const tap = await callApi<IssuedTap>(`${base}/tap`, { body: { lifetimeMinutes: minutes, oneTime } });
        setStep({ name: "done", message: "Give this pass to the user. It is shown only now.", tap });
      } else if (action.kind === "clear-sign-in-lock") {
        await callApi<{ cleared: boolean }>(`${base}/sign-in-lock/clear`, { body: {} });
        setStep({ name: "done", message: `The sign-in lock was cleared. ${userEmail} can sign in with a pass, password or code again now.` });
      } else if (action.kind === "revoke-sessions") {
        const { revoked } = await callApi<{ revoked: number }>(`${base}/sessions/revoke`, { body: {} });
        setStep({ name: "done", message: `${revoked} ${revoked === 1 ? "session was" : "sessions were"} revoked. The user must sign in again everywhere.` });
      } else {
        const { deletedPasskeys, campaignEnabled } = await callApi<{ deletedPasskeys: number; campaignEnabled: boolean }>(`${base}/require-reregistration`, { body: {} });
        setStep({
          name: "done",
          message:
            `${deletedPasskeys} ${deletedPasskeys === 1 ? "passkey was" : "passkeys were"} deleted. ` +
            (campaignEnabled
              ? "The user will be asked to add a new passkey at their next sign-in, and can't skip it."
              : "The registration campaign is off in the passkey policy: turn it on so the user is asked to add a new passkey."),
        });
      }
      stepUp.reset();
      router.refresh();
    } catch (e) {
      if (stepUp.required(e, () => void run())) return;
      stepUp.reset();
      setStep({ name: "confirm", error: e instanceof ApiError ? e.message : "That didn't work. Please try again." });
    } finally {
      setBusy(false);
    }
  }

  const close = () => dialogRef.current?.close();
  const title = action ? TITLES[action.kind] : "";

  return (
    <dialog
      ref={dialogRef}
      aria-labelledby={titleId}
      onClose={() => {
        onClosed();
      }}
    >
      {action && !stepUp.verifying && step.name === "confirm" && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run();
          }}
        >
          <h2 id={titleId} tabIndex={-1}>
            {action.kind === "delete-passkey" ? <>Delete passkey &ldquo;{action.passkeyName}&rdquo;?</> : `${title}?`}
          </h2>
          {action.kind === "delete-passkey" && <p>{userEmail} won&apos;t be able to sign in with this passkey any more.</p>}
          {action.kind === "revoke-sessions" && <p>{userEmail} will be signed out on every device and must sign in again.</p>}
          {action.kind === "clear-sign-in-lock" && (
            <p>The failed attempts counted for {userEmail} are forgotten, and they can sign in with a pass, password or code again at once.</p>
          )}
          {action.kind === "reregister" && (
            <p className="warning" role="note">
              Every passkey of {userEmail} will be deleted, and they will have to add a new one at their next sign-in.
            </p>
          )}
          {action.kind === "tap" && (
            <>
              <p>A Temporary Access Pass lets {userEmail} sign in and add a passkey. It replaces any pass they have.</p>
              <label htmlFor={lifetimeId}>Lifetime (minutes)</label>
              <span className="hint" id={lifetimeHint}>
                From 10 to 480 minutes
              </span>
              <input
                id={lifetimeId}
                type="number"
                inputMode="numeric"
                min={10}
                max={480}
                required
                data-autofocus
                aria-describedby={lifetimeHint}
                value={lifetime}
                onChange={(e) => setLifetime(e.target.value)}
              />
              <label className="check">
                <input type="checkbox" checked={oneTime} onChange={(e) => setOneTime(e.target.checked)} />
                <span>One-time use</span>
              </label>
            </>
          )}
          {step.error && (
            <p className="error" role="alert">
              {step.error}
            </p>
          )}
          <div className="actions">
            <button type="button" className="secondary" data-autofocus={action.kind === "tap" ? undefined : ""} onClick={close}>
              Cancel
            </button>
            <button type="submit" className={action.kind === "tap" || action.kind === "clear-sign-in-lock" ? "primary" : "danger"} disabled={busy}>
              {action.kind === "tap" ? "Add" : action.kind === "revoke-sessions" ? "Revoke" : action.kind === "clear-sign-in-lock" ? "Clear" : "Delete"}
            </button>
          </div>
        </form>
      )}
      {action && stepUp.verifying && (
        <VerifyIdentity
          email={adminEmail}
          hasPasskeys={adminHasPasskeys}
          titleId={titleId}
          purpose="make changes for this user"
          onCancel={close}
          onVerified={stepUp.verified}
        />
      )}
      {action && !stepUp.verifying && step.name === "done" && (
        <div>
          <h2 id={titleId} tabIndex={-1}>
            {action.kind === "tap" ? "Temporary Access Pass added" : "Done"}
          </h2>
          <p role="status">{step.message}</p>
          {step.tap && <TapCode code={step.tap.code} />}
          {step.tap && (
            <dl className="passkey-details">
              <dt>Expires</dt>
              <dd>{formatUtc(step.tap.expiresAt)}</dd>
              <dt>Use</dt>
              <dd>{step.tap.oneTime ? "One time" : "Any number of times until it expires"}</dd>
            </dl>
          )}
          <div className="actions">
            <button type="button" className="primary" data-autofocus onClick={close}>
              Close
            </button>
          </div>
        </div>
      )}
    </dialog>
  );
}

/** The issued pass on one line (it never wraps mid-code), with a Copy button that says when it copied. */
function TapCode({ code }: { code: string }) {
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(code);
      setCopied("yes");
    } catch {
      setCopied("no");
    }
  }
  return (
    <div className="tap-code-row">
      <span className="tap-code" data-testid="tap-code" aria-label={`Pass ${code}`}>
        {code}
      </span>
      <button type="button" className="secondary small" onClick={() => void copy()}>
        Copy
      </button>
      <span className="tap-copied" role="status">
        {copied === "yes" ? "Copied." : copied === "no" ? "Couldn't copy: select the pass and copy it yourself." : ""}
      </span>
    </div>
  );
}
