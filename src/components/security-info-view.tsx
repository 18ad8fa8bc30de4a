"use client";

import { useRef, useState } from "react";
import type { PasskeyListResponse, PasskeySummary } from "@/contracts/passkeys";
import type { CredentialSignals } from "@/contracts/signals";
import { AddMethodDialog, type AddMethodDialogHandle } from "./add-method-dialog";
import { callApi } from "./api";
import { DeletePasskeyDialog, type DeletePasskeyDialogHandle } from "./delete-passkey-dialog";
import { PasskeyList } from "./passkey-list";
import { signalCurrentUserDetails, signalUnknownCredential } from "./signals";
import { useHydrated } from "./use-hydrated";

interface Props {
  email: string;
  initialPasskeys: PasskeySummary[];
  maxPasskeys: number;
  passkeysEnabled: boolean;
  hasUsableTap: boolean;
  signals: CredentialSignals;
}

/** The interactive part of the security-info page: the methods list and its dialogs. */
export function SecurityInfoView({ email, initialPasskeys, maxPasskeys, passkeysEnabled, hasUsableTap, signals }: Props) {
  const hydrated = useHydrated();
  const [passkeys, setPasskeys] = useState(initialPasskeys);
  const [highlightId, setHighlightId] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const addRef = useRef<AddMethodDialogHandle>(null);
  const deleteRef = useRef<DeletePasskeyDialogHandle>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const unavailable = !passkeysEnabled
    ? "Your organisation does not allow adding passkeys."
    : passkeys.length >= maxPasskeys
      ? `You already have ${maxPasskeys} passkeys, the most allowed. Delete one to add another.`
      : null;

  /** Reloads the list from the server (no page reload), keeping what the user sees current. */
  async function reload() {
    try {
      setPasskeys((await callApi<PasskeyListResponse>("/api/me/passkeys", { method: "GET" })).passkeys);
    } catch {
      // The optimistic list stays; the next page load corrects it.
    }
  }

  function upsert(passkey: PasskeySummary) {
    setPasskeys((list) => [passkey, ...list.filter((p) => p.id !== passkey.id)]);
  }

  return (
    <>
      <p className="default-method">
        <span>Default sign-in method:</span> <strong>{passkeys.length > 0 ? "Passkey" : hasUsableTap ? "Temporary Access Pass" : "None"}</strong>
      </p>
      <AddMethodDialog
        ref={addRef}
        email={email}
        hasPasskeys={passkeys.length > 0}
        passkeyUnavailable={unavailable}
        onCreated={(passkey) => upsert(passkey)}
        onAdded={(passkey) => {
          upsert(passkey);
          setHighlightId(passkey.id);
          setAnnouncement(`Passkey "${passkey.name}" added.`);
          void reload();
        }}
      />
      <h2 className="list-heading" ref={headingRef} tabIndex={-1}>
        Passkeys <span className="count">({passkeys.length} of {maxPasskeys})</span>
      </h2>
      {passkeys.length === 0 ? (
        <div className="empty">
          <p>
            You have no passkeys yet. A passkey lets you sign in with your face, fingerprint or PIN instead of a
            password, and it can&apos;t be phished.
          </p>
          {!unavailable && (
            <button type="button" className="primary" disabled={!hydrated} onClick={() => addRef.current?.open("where")}>
              Add a passkey
            </button>
          )}
        </div>
      ) : (
        <PasskeyList
          passkeys={passkeys}
          highlightId={highlightId}
          onRenamed={(passkey) => {
            setPasskeys((list) => list.map((p) => (p.id === passkey.id ? passkey : p)));
            setAnnouncement(`Passkey renamed to "${passkey.name}".`);
            signalCurrentUserDetails(signals);
          }}
          onDelete={(passkey) => deleteRef.current?.open(passkey, passkeys.length === 1)}
        />
      )}
      <DeletePasskeyDialog
        ref={deleteRef}
        email={email}
        onDismissed={(id) => document.querySelector<HTMLElement>(`[data-delete-for="${id}"]`)?.focus()}
        onDeleted={(deleted) => {
          setPasskeys((list) => list.filter((p) => p.id !== deleted.id));
          setAnnouncement("Passkey deleted.");
          signalUnknownCredential(signals.rpId, deleted.credentialId);
          headingRef.current?.focus();
          void reload();
        }}
      />
      <p className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
    </>
  );
}
