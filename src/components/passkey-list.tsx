"use client";

import { useEffect, useId, useRef, useState } from "react";
import type { PasskeyResponse, PasskeySummary } from "@/contracts/passkeys";
import { POLICY_RULE_LABELS } from "@/contracts/labels";
import { checkPasskeyName } from "@/contracts/passkey-name";
import { PasskeyNameField } from "./name-counter";
import { ApiError, callApi } from "./api";
import { formatDate, LocalTime } from "./local-time";
import { useHydrated } from "./use-hydrated";

function createdOnText(p: PasskeySummary): string | null {
  const { browser, os, device } = p.createdOn;
  const where = [browser, os && browser ? `on ${os}` : os, device && device !== os ? `(${device})` : null].filter(Boolean);
  return where.length > 0 ? `Created with ${where.join(" ")}` : null;
}

interface ListProps {
  passkeys: PasskeySummary[];
  highlightId: string | null;
  onRenamed: (passkey: PasskeySummary) => void;
  onDelete: (passkey: PasskeySummary) => void;
}

/** The user's passkeys as sign-in methods, each with rename (in place) and delete. */
export function PasskeyList({ passkeys, highlightId, onRenamed, onDelete }: ListProps) {
  return (
    <ul className="methods" aria-label="Your passkeys">
      {passkeys.map((p) => (
        <PasskeyItem key={p.id} passkey={p} highlighted={p.id === highlightId} onRenamed={onRenamed} onDelete={onDelete} />
      ))}
    </ul>
  );
}

function PasskeyItem({
  passkey: p,
  highlighted,
  onRenamed,
  onDelete,
}: {
  passkey: PasskeySummary;
  highlighted: boolean;
  onRenamed: (passkey: PasskeySummary) => void;
  onDelete: (passkey: PasskeySummary) => void;
}) {
  const hydrated = useHydrated();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(p.name);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const renameRef = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  const inputId = useId();
  const synced = p.deviceType === "multiDevice";
  const createdOn = createdOnText(p);

  useEffect(() => {
    if (editing) inputRef.current?.select();
    else if (returnFocus.current) {
      returnFocus.current = false;
      renameRef.current?.focus();
    }
  }, [editing]);

  function stopEditing() {
    returnFocus.current = true;
    setEditing(false);
    setError(null);
  }

  async function save(event: React.FormEvent) {
    event.preventDefault();
    // The server's own contract: the same message for a name it would refuse, before any request.
    const checked = checkPasskeyName(draft);
    if ("error" in checked) {
      setError(checked.error);
      return;
    }
    const name = checked.value;
    if (name === p.name) return stopEditing();
    setBusy(true);
    try {
      const { passkey } = await callApi<PasskeyResponse>(`/api/me/passkeys/${p.id}`, { method: "PATCH", body: { name } });
      onRenamed(passkey);
      stopEditing();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "The name couldn't be saved.");
      // Save was disabled while busy and so lost focus: bring the user back to the name.
      inputRef.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className={highlighted ? "method is-new" : "method"} data-passkey-id={p.id}>
      <picture className="method-icon">
        <source srcSet={p.provider.iconDark} media="(prefers-color-scheme: dark)" />
        {/* Icons are data: URLs drawn by the app (or the operator's file): only ever through <img>. */}
        <img src={p.provider.iconLight} alt="" width={40} height={40} />
      </picture>
      <div className="method-body">
        {editing ? (
          <form
            className="rename"
            onSubmit={(e) => void save(e)}
            noValidate
            onKeyDown={(e) => {
              if (e.key === "Escape") {
                e.preventDefault();
                stopEditing();
              }
            }}
          >
            <PasskeyNameField id={inputId} inputRef={inputRef} value={draft} onChange={setDraft} error={error} />
            <div className="row-actions">
              <button type="submit" className="primary small" disabled={busy}>
                Save
              </button>
              <button type="button" className="secondary small" onClick={stopEditing}>
                Cancel
              </button>
            </div>
          </form>
        ) : (
          <>
            <span className="method-name">{p.name}</span>
            <span className="method-provider">{p.provider.name}</span>
          </>
        )}
        <span className="badges">
          <span className={synced ? "badge synced" : "badge bound"}>{synced ? "Synced" : "Device-bound"}</span>
          {synced && <span className="badge">{p.backedUp ? "Backed up" : "Not backed up yet"}</span>}
        </span>
        {!p.policy.allowed && p.policy.rule && (
          <span className="policy-refused">
            Not allowed by your organization&apos;s policy: {POLICY_RULE_LABELS[p.policy.rule]}. It can&apos;t be used to
            sign in.
          </span>
        )}
        <span className="method-meta">
          {createdOn && <span>{createdOn}</span>}
          <span>Added {formatDate(p.createdAt)}</span>
          <span>
            {p.lastUsedAt ? (
              <>
                Last used <LocalTime iso={p.lastUsedAt} relative />
              </>
            ) : (
              "Never used"
            )}
          </span>
        </span>
      </div>
      {!editing && (
        <div className="row-actions">
          <button
            ref={renameRef}
            type="button"
            className="link"
            disabled={!hydrated}
            aria-label={`Rename ${p.name}`}
            onClick={() => {
              setDraft(p.name);
              setEditing(true);
            }}
          >
            Rename
          </button>
          <button
            type="button"
            className="link danger-link"
            disabled={!hydrated}
            aria-label={`Delete ${p.name}`}
            data-delete-for={p.id}
            onClick={() => onDelete(p)}
          >
            Delete
          </button>
        </div>
      )}
    </li>
  );
}
