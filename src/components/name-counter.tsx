"use client";

import type { Ref } from "react";
import { PASSKEY_NAME_MAX_LENGTH } from "@/contracts/passkey-name";
import { clampText, textLength } from "@/contracts/text-rules";

/** Shown once a name is this close to its limit. */
const NEAR = 14;

/**
 * "52 of 64 characters" under a name field once it nears its limit, counted as the server counts
 * (characters as people see them: an emoji is one, however many code points it takes).
 */
export function NameCounter({ id, value, max }: { id: string; value: string; max: number }) {
  if (!showsCounter(value, max)) return null;
  const length = textLength(value);
  return (
    <p className="hint counter" id={id}>
      {length >= max ? `${max} of ${max} characters: the most a name can have` : `${length} of ${max} characters`}
    </p>
  );
}

/** Whether NameCounter shows for this value (its id then belongs in the input's aria-describedby). */
export function showsCounter(value: string, max: number): boolean {
  return textLength(value) >= max - NEAR;
}

/** The ids an input's aria-describedby lists: its error, its counter when shown. */
export function describedBy(...ids: Array<string | false | null | undefined>): string | undefined {
  const list = ids.filter(Boolean).join(" ");
  return list || undefined;
}

interface PasskeyNameFieldProps {
  id: string;
  value: string;
  onChange: (value: string) => void;
  /** The server's (or the contract's) refusal, shown under the field and announced. */
  error?: string | null;
  inputRef?: Ref<HTMLInputElement>;
  /** The dialog's focus-each-step effect focuses this field when its step opens. */
  autoFocusInStep?: boolean;
}

/**
 * "Passkey name" with its limit: input clamped as the server counts, the counter near the limit,
 * the error, and aria-describedby naming whichever of them shows. For naming and renaming alike.
 */
export function PasskeyNameField({ id, value, onChange, error, inputRef, autoFocusInStep = false }: PasskeyNameFieldProps) {
  return (
    <>
      <label htmlFor={id}>Passkey name</label>
      <input
        id={id}
        ref={inputRef}
        data-autofocus={autoFocusInStep ? "" : undefined}
        value={value}
        onChange={(e) => onChange(clampText(e.target.value, PASSKEY_NAME_MAX_LENGTH))}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(error && `${id}-error`, showsCounter(value, PASSKEY_NAME_MAX_LENGTH) && `${id}-count`)}
      />
      <NameCounter id={`${id}-count`} value={value} max={PASSKEY_NAME_MAX_LENGTH} />
      {error && (
        <p className="error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </>
  );
}
