"use client";

import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { SIGN_IN_METHOD_LABELS } from "@/contracts/labels";
import type { OtherMethods, SignInMethod } from "@/contracts/methods";
import type { PasskeyListResponse, PasskeySummary } from "@/contracts/passkeys";
import type { CredentialSignals } from "@/contracts/signals";
import { AddMethodDialog, type AddMethodDialogHandle } from "./add-method-dialog";
import { callApi } from "./api";
import { DefaultMethodDialog, type DefaultMethodDialogHandle } from "./default-method-dialog";
import { DeletePasskeyDialog, type DeletePasskeyDialogHandle } from "./delete-passkey-dialog";
import { OtherMethodsList, type TemporaryAccessPassSummary } from "./other-methods-list";
import { PasskeyList } from "./passkey-list";
import { PasswordDialog, type PasswordDialogHandle } from "./password-dialog";
import { RemoveAuthenticatorAppDialog, type RemoveAuthenticatorAppDialogHandle } from "./remove-authenticator-app-dialog";
import { signalCurrentUserDetails, signalUnknownCredential } from "./signals";
import { StatusToast, type Toast } from "./status-toast";
import { useHydrated } from "./use-hydrated";

interface Props {
  email: string;
  initialPasskeys: PasskeySummary[];
  maxPasskeys: number;
  passkeysEnabled: boolean;
  /** The Temporary Access Pass while it can still sign the user in. */
  tap: TemporaryAccessPassSummary | null;
  signals: CredentialSignals;
  /** The password, the authenticator app and the chosen default sign-in method. */
  methods: OtherMethods;
}

/** The interactive part of the security-info page: the methods lists and their dialogs. */
export function SecurityInfoView({ email, initialPasskeys, maxPasskeys, passkeysEnabled, tap, signals, methods: initialMethods }: Props) {
  const router = useRouter();
  const hydrated = useHydrated();
  const [passkeys, setPasskeys] = useState(initialPasskeys);
  const [methods, setMethods] = useState(initialMethods);
  const passwordRef = useRef<PasswordDialogHandle>(null);
  const removeAppRef = useRef<RemoveAuthenticatorAppDialogHandle>(null);
  const defaultRef = useRef<DefaultMethodDialogHandle>(null);
  const changeDefaultRef = useRef<HTMLButtonElement>(null);
  const [highlightId, setHighlightId] = useState<string | null>(null);
  const [toast, setToast] = useState<Toast | null>(null);
  const setAnnouncement = (text: string) => setToast((last) => ({ id: (last?.id ?? 0) + 1, text }));
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

  function otherHeadingFocus() {
    document.getElementById("other-methods-heading")?.focus();
  }

  function upsert(passkey: PasskeySummary) {
    setPasskeys((list) => [passkey, ...list.filter((p) => p.id !== passkey.id)]);
  }

  // The methods a default can be: "password" is password + authenticator app, both present.
  const choosable: SignInMethod[] = [
    ...(passkeys.length > 0 ? ["passkey" as const] : []),
    ...(methods.password && methods.authenticatorApp ? ["password" as const] : []),
  ];
  const chosen = methods.defaultSignInMethod && choosable.includes(methods.defaultSignInMethod) ? methods.defaultSignInMethod : null;
  // Without a choice, the sign-in page offers what the account has, passkeys first.
  const effective = chosen ?? choosable[0] ?? null;
  const defaultLabel = effective ? SIGN_IN_METHOD_LABELS[effective] : tap ? "Temporary Access Pass" : "None";
  const focusMethod = (name: string) => document.querySelector<HTMLElement>(`[data-method-action="${name}"]`)?.focus();

  return (
    <>
      <div className="default-method-row">
        <p className="default-method">
          <span>Default sign-in method:</span> <strong>{defaultLabel}</strong>
        </p>
        {choosable.length > 0 && (
          <button
            ref={changeDefaultRef}
            type="button"
            className="link"
            disabled={!hydrated}
            aria-label="Change default sign-in method"
            onClick={() => defaultRef.current?.open()}
          >
            Change
          </button>
        )}
      </div>
      <DefaultMethodDialog
        ref={defaultRef}
        methods={choosable}
        current={effective}
        onChanged={(method) => {
          setMethods((m) => ({ ...m, defaultSignInMethod: method }));
          setAnnouncement(`Default sign-in method changed to ${SIGN_IN_METHOD_LABELS[method]}.`);
        }}
        onClosed={() => changeDefaultRef.current?.focus()}
      />
      <AddMethodDialog
        ref={addRef}
        email={email}
        hasPasskeys={passkeys.length > 0}
        hasAuthenticatorApp={methods.authenticatorApp !== null}
        hasPassword={methods.password !== null}
        onAuthenticatorAppAdded={(authenticatorApp) => {
          setMethods((m) => ({ ...m, authenticatorApp }));
          setAnnouncement("Authenticator app added.");
        }}
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
        onDeleted={(deleted, signedOut) => {
          if (signedOut) {
            // The session stood on that passkey and ended with it: tell the password manager, then
            // sign in again (with another method) to come back here.
            signalUnknownCredential(signals.rpId, deleted.credentialId);
            router.replace("/signin?returnTo=%2Fsecurity-info");
            return;
          }
          setPasskeys((list) => list.filter((p) => p.id !== deleted.id));
          // The server clears a default of "passkey" with the last passkey.
          if (passkeys.length <= 1) setMethods((m) => (m.defaultSignInMethod === "passkey" ? { ...m, defaultSignInMethod: null } : m));
          setAnnouncement("Passkey deleted.");
          signalUnknownCredential(signals.rpId, deleted.credentialId);
          headingRef.current?.focus();
          void reload();
        }}
      />
      <OtherMethodsList
        methods={methods}
        tap={tap}
        onChangePassword={() => passwordRef.current?.open()}
        onRemoveApp={() => removeAppRef.current?.open()}
      />
      <PasswordDialog
        ref={passwordRef}
        email={email}
        hasPasskeys={passkeys.length > 0}
        hasPassword={methods.password !== null}
        onSaved={(result) => {
          setMethods((m) => ({ ...m, password: result.password }));
          setAnnouncement(
            result.changed
              ? `Password changed.${result.otherSessionsEnded > 0 ? " You were signed out on your other devices." : ""}`
              : "Password set.",
          );
        }}
        onClosed={() => focusMethod("password")}
      />
      <RemoveAuthenticatorAppDialog
        ref={removeAppRef}
        email={email}
        hasPasskeys={passkeys.length > 0}
        onDismissed={() => focusMethod("authenticator-app")}
        onRemoved={(result) => {
          setMethods((m) => ({ ...m, authenticatorApp: null, defaultSignInMethod: result.defaultSignInMethod }));
          setAnnouncement("Authenticator app deleted.");
          otherHeadingFocus();
        }}
      />
      <StatusToast toast={toast} onDismiss={() => setToast(null)} />
    </>
  );
}
