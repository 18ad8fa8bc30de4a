"use client";

import "./zod-jitless";
import { useId, useRef, useState } from "react";
import {
  Aaguid,
  PasskeyPolicySettings,
  type PasskeyPolicyResponse,
  type PolicyProviderOption,
  type PolicyTargetUser,
} from "@/contracts/policy";
import { ApiError, callApi } from "../api";
import { useHydrated } from "../use-hydrated";
import { useStepUp } from "../use-step-up";
import { VerifyIdentity } from "../verify-identity";
import { PolicyAttestation, type PolicyMetadataStatus } from "./policy-attestation";
import { PolicyProviderPicker } from "./policy-provider-picker";
import { PolicyUserPicker } from "./policy-user-picker";

type Settings = PasskeyPolicyResponse["policy"];
type Status = { kind: "saved" | "error"; text: string } | null;

interface Props {
  initial: PasskeyPolicyResponse;
  providers: PolicyProviderOption[];
  /** The administrator, for the step-up dialog. */
  email: string;
  hasPasskeys: boolean;
  /** The FIDO metadata blob the server loaded, or null: enforced attestation needs one. */
  metadata: PolicyMetadataStatus | null;
}

/** Every passkey policy setting in one form, saved as a whole with the version it was read at. */
export function PolicyForm({ initial, providers, email, hasPasskeys, metadata }: Props) {
  const hydrated = useHydrated();
  const [settings, setSettings] = useState<Settings>(initial.policy);
  const [targetUsers, setTargetUsers] = useState<PolicyTargetUser[]>(initial.targetUsers);
  const [version, setVersion] = useState(initial.version);
  const [status, setStatus] = useState<Status>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const stepUp = useStepUp();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const statusRef = useRef<HTMLParagraphElement>(null);
  const ids = {
    enabled: useId(),
    selfService: useId(),
    max: useId(),
    maxError: useId(),
    campaign: useId(),
    days: useId(),
    daysError: useId(),
    skips: useId(),
    skipsError: useId(),
    title: useId(),
  };

  const set = <K extends keyof Settings>(key: K, value: Settings[K]) => {
    setSettings((s) => ({ ...s, [key]: value }));
    setStatus(null);
  };

  function showStatus(next: Status) {
    setStatus(next);
    // Move focus to the outcome so keyboard and screen-reader users hear it.
    requestAnimationFrame(() => statusRef.current?.focus());
  }

  async function save() {
    const policy = { ...settings, targetUserIds: settings.target === "selected" ? targetUsers.map((u) => u.id) : [] };
    const parsed = PasskeyPolicySettings.safeParse(policy);
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
      setFieldErrors(errors);
      showStatus({ kind: "error", text: "Some settings need attention. Correct them and save again." });
      return;
    }
    setFieldErrors({});
    setBusy(true);
    try {
      const saved = await callApi<PasskeyPolicyResponse>("/api/admin/policy", {
        method: "PUT",
        body: { version, policy: parsed.data },
      });
      setSettings(saved.policy);
      setTargetUsers(saved.targetUsers);
      setVersion(saved.version);
      showStatus({ kind: "saved", text: `Policy saved. It applies now to every registration and sign-in (version ${saved.version}).` });
    } catch (e) {
      // A stale sign-in verifies in a dialog of its own, then the form saves again (what was typed stays).
      if (stepUp.required(e, () => void save())) dialogRef.current?.showModal();
      else showStatus({ kind: "error", text: e instanceof ApiError ? e.message : "The policy couldn't be saved. Please try again." });
    } finally {
      setBusy(false);
    }
  }

  const numberField = (key: "maxPasskeys" | "campaignSnoozeDays" | "campaignSkipLimit", raw: string) =>
    set(key, raw === "" ? Number.NaN : Number(raw));

  return (
    <>
      <form
        className="policy-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <fieldset className="card policy-group">
          <legend>Passkeys</legend>
          <label className="check" htmlFor={ids.enabled}>
            <input id={ids.enabled} type="checkbox" checked={settings.enabled} onChange={(e) => set("enabled", e.target.checked)} />
            <span>
              Enable passkeys
              <span className="hint">When off, nobody can add a passkey or sign in with one.</span>
            </span>
          </label>
          <label className="check" htmlFor={ids.selfService}>
            <input
              id={ids.selfService}
              type="checkbox"
              checked={settings.selfServiceSetup}
              onChange={(e) => set("selfServiceSetup", e.target.checked)}
            />
            <span>
              Allow self-service setup
              <span className="hint">Users can add passkeys themselves in My Security Info.</span>
            </span>
          </label>
          <fieldset>
            <legend>Target</legend>
            <Radio name="target" value="all" current={settings.target} onChange={(v) => set("target", v)} label="All users" />
            <Radio
              name="target"
              value="selected"
              current={settings.target}
              onChange={(v) => set("target", v)}
              label="Selected users"
              hint="Only the users you list can add and use passkeys."
            />
          </fieldset>
          {settings.target === "selected" && (
            <PolicyUserPicker
              users={targetUsers}
              error={fieldErrors.targetUserIds}
              onChange={(users) => {
                setTargetUsers(users);
                setStatus(null);
              }}
            />
          )}
          <fieldset>
            <legend>Passkey types</legend>
            <Radio
              name="synced"
              value="yes"
              current={settings.syncedAllowed ? "yes" : "no"}
              onChange={() => set("syncedAllowed", true)}
              label="Synced and device-bound passkeys"
              hint="Passkeys saved in a password manager and synced across devices are accepted."
            />
            <Radio
              name="synced"
              value="no"
              current={settings.syncedAllowed ? "yes" : "no"}
              onChange={() => set("syncedAllowed", false)}
              label="Device-bound passkeys only"
              hint="Only passkeys that can't be copied off their device, such as security keys. Synced passkeys can't be added or used."
            />
          </fieldset>
        </fieldset>

        <fieldset className="card policy-group">
          <legend>Key restrictions</legend>
          <Radio name="restriction" value="off" current={settings.keyRestriction} onChange={(v) => set("keyRestriction", v)} label="No restrictions" />
          <Radio
            name="restriction"
            value="allow"
            current={settings.keyRestriction}
            onChange={(v) => set("keyRestriction", v)}
            label="Allow only the listed providers"
          />
          <Radio
            name="restriction"
            value="block"
            current={settings.keyRestriction}
            onChange={(v) => set("keyRestriction", v)}
            label="Block the listed providers"
          />
          {settings.keyRestriction !== "off" && (
            <PolicyProviderPicker
              providers={providers}
              aaguids={settings.aaguids}
              mode={settings.keyRestriction}
              error={fieldErrors.aaguids}
              validate={(value) => {
                const parsed = Aaguid.safeParse(value);
                return parsed.success ? { aaguid: parsed.data } : { error: parsed.error.issues[0]?.message ?? "Enter a valid AAGUID." };
              }}
              onChange={(aaguids) => set("aaguids", aaguids)}
            />
          )}
        </fieldset>

        <PolicyAttestation checked={settings.enforceAttestation} onChange={(v) => set("enforceAttestation", v)} metadata={metadata} />

        <fieldset className="card policy-group">
          <legend>User verification</legend>
          <Radio
            name="uv"
            value="preferred"
            current={settings.userVerification}
            onChange={(v) => set("userVerification", v)}
            label="Preferred"
            hint="Ask for a PIN or biometric when the device supports it."
          />
          <Radio
            name="uv"
            value="required"
            current={settings.userVerification}
            onChange={(v) => set("userVerification", v)}
            label="Required"
            hint="Refuse passkeys that don't verify the user with a PIN or biometric."
          />
        </fieldset>

        <fieldset className="card policy-group">
          <legend>Limits</legend>
          <NumberField
            id={ids.max}
            errorId={ids.maxError}
            label="Maximum passkeys per user"
            min={1}
            max={10}
            value={settings.maxPasskeys}
            error={fieldErrors.maxPasskeys}
            onChange={(raw) => numberField("maxPasskeys", raw)}
          />
        </fieldset>

        <fieldset className="card policy-group">
          <legend>Registration campaign</legend>
          <label className="check" htmlFor={ids.campaign}>
            <input
              id={ids.campaign}
              type="checkbox"
              checked={settings.campaignEnabled}
              onChange={(e) => set("campaignEnabled", e.target.checked)}
            />
            <span>
              Prompt users without a passkey to add one after they sign in
            </span>
          </label>
          <NumberField
            id={ids.days}
            errorId={ids.daysError}
            label="Days between prompts after “Not now” (0-14)"
            min={0}
            max={14}
            value={settings.campaignSnoozeDays}
            error={fieldErrors.campaignSnoozeDays}
            onChange={(raw) => numberField("campaignSnoozeDays", raw)}
          />
          <NumberField
            id={ids.skips}
            errorId={ids.skipsError}
            label="Times a user may choose “Not now” (0-10)"
            min={0}
            max={10}
            value={settings.campaignSkipLimit}
            error={fieldErrors.campaignSkipLimit}
            onChange={(raw) => numberField("campaignSkipLimit", raw)}
          />
        </fieldset>

        <p
          ref={statusRef}
          tabIndex={-1}
          className={status?.kind === "error" ? "error policy-status" : "notice policy-status"}
          role={status?.kind === "error" ? "alert" : "status"}
        >
          {status?.text}
        </p>
        <div className="actions">
          <button type="submit" className="primary" disabled={!hydrated || busy}>
            {busy ? "Saving…" : "Save policy"}
          </button>
        </div>
      </form>
      <dialog
        ref={dialogRef}
        aria-labelledby={ids.title}
        onClose={stepUp.reset}
      >
        {stepUp.verifying && (
          <VerifyIdentity
            email={email}
            hasPasskeys={hasPasskeys}
            titleId={ids.title}
            purpose="change the passkey policy"
            onCancel={() => dialogRef.current?.close()}
            onVerified={() => {
              // Closing resets the step-up (onClose), so the save runs from the form again.
              dialogRef.current?.close();
              void save();
            }}
          />
        )}
      </dialog>
    </>
  );
}

function Radio<V extends string>(props: {
  name: string;
  value: V;
  current: string;
  onChange: (value: V) => void;
  label: string;
  hint?: string;
}) {
  const id = useId();
  return (
    <label className="choice" htmlFor={id}>
      <input
        id={id}
        type="radio"
        name={props.name}
        value={props.value}
        checked={props.current === props.value}
        onChange={() => props.onChange(props.value)}
      />
      <span>
        <strong>{props.label}</strong>
        {props.hint && <span className="hint">{props.hint}</span>}
      </span>
    </label>
  );
}

function NumberField(props: {
  id: string;
  errorId: string;
  label: string;
  min: number;
  max: number;
  value: number;
  error?: string;
  onChange: (raw: string) => void;
}) {
  return (
    <div className="policy-number">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        type="number"
        inputMode="numeric"
        min={props.min}
        max={props.max}
        step={1}
        value={Number.isNaN(props.value) ? "" : props.value}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? props.errorId : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.error && (
        <p id={props.errorId} className="error">
          {props.error}
        </p>
      )}
    </div>
  );
}
