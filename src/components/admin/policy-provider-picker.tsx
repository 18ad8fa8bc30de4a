"use client";

import { useId, useMemo, useState } from "react";
import type { PolicyProviderOption } from "@/contracts/policy";

interface Props {
  providers: PolicyProviderOption[];
  aaguids: string[];
  mode: "allow" | "block";
  error?: string;
  validate: (value: string) => { aaguid: string } | { error: string };
  onChange: (aaguids: string[]) => void;
}

const SHOWN = 8;

/** The key restriction list: providers found by name (with their icons), or any AAGUID typed in. */
export function PolicyProviderPicker({ providers, aaguids, mode, error, validate, onChange }: Props) {
  const [query, setQuery] = useState("");
  const [typed, setTyped] = useState("");
  const [typedError, setTypedError] = useState<string | null>(null);
  const searchId = useId();
  const typedId = useId();
  const typedErrorId = useId();
  const listErrorId = useId();
  const byAaguid = useMemo(() => new Map(providers.map((p) => [p.aaguid, p])), [providers]);
  const chosen = new Set(aaguids);
  const needle = query.trim().toLowerCase();
  const matches = needle
    ? providers.filter((p) => p.name.toLowerCase().includes(needle) || p.aaguid.startsWith(needle)).slice(0, SHOWN)
    : [];

  function addTyped() {
    const result = validate(typed);
    if ("error" in result) {
      setTypedError(result.error);
      return;
    }
    setTypedError(null);
    setTyped("");
    if (!chosen.has(result.aaguid)) onChange([...aaguids, result.aaguid]);
  }

  const verb = mode === "allow" ? "Allow" : "Block";
  return (
    <div className="policy-picker">
      <label htmlFor={searchId}>Find a provider</label>
      <input
        id={searchId}
        type="search"
        autoComplete="off"
        value={query}
        placeholder="Name, such as YubiKey or iCloud Keychain"
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => e.key === "Enter" && e.preventDefault()}
      />
      {needle && (
        <p className="notice" role="status">
          {matches.length === 0 ? "No provider matches. Enter its AAGUID below instead." : `${matches.length} shown`}
        </p>
      )}
      {matches.length > 0 && (
        <ul className="policy-options" aria-label="Matching providers">
          {matches.map((p) => (
            <li key={p.aaguid}>
              <ProviderIcon provider={p} />
              <span className="policy-option-text">
                <strong>{p.name}</strong> <span className="policy-sub aaguid">{p.aaguid}</span>
              </span>
              <button
                type="button"
                className="link"
                disabled={chosen.has(p.aaguid)}
                aria-label={`${chosen.has(p.aaguid) ? "Listed" : verb} ${p.name}`}
                onClick={() => onChange([...aaguids, p.aaguid])}
              >
                {chosen.has(p.aaguid) ? "Listed" : verb}
              </button>
            </li>
          ))}
        </ul>
      )}
      <label htmlFor={typedId}>Or enter an AAGUID</label>
      <div className="policy-picker-row">
        <input
          id={typedId}
          type="text"
          autoComplete="off"
          spellCheck={false}
          value={typed}
          placeholder="01020304-0506-0708-0102-030405060708"
          aria-invalid={typedError ? true : undefined}
          aria-describedby={typedError ? typedErrorId : undefined}
          onChange={(e) => setTyped(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              addTyped();
            }
          }}
        />
        <button type="button" className="secondary" onClick={addTyped}>
          Add
        </button>
      </div>
      {typedError && (
        <p id={typedErrorId} className="error">
          {typedError}
        </p>
      )}
      <h2 className="policy-list-heading">
        {mode === "allow" ? "Allowed" : "Blocked"} providers ({aaguids.length})
      </h2>
      {error && (
        <p id={listErrorId} className="error">
          {error}
        </p>
      )}
      {aaguids.length === 0 ? (
        <p className="notice">None listed yet.</p>
      ) : (
        <ul className="policy-options" aria-label={mode === "allow" ? "Allowed providers" : "Blocked providers"}>
          {aaguids.map((aaguid) => {
            const provider = byAaguid.get(aaguid);
            return (
              <li key={aaguid}>
                {provider ? <ProviderIcon provider={provider} /> : <span className="policy-icon-blank" aria-hidden="true" />}
                <span className="policy-option-text">
                  <strong>{provider?.name ?? "Unknown provider"}</strong> <span className="policy-sub aaguid">{aaguid}</span>
                </span>
                <button
                  type="button"
                  className="link danger-link"
                  aria-label={`Remove ${provider?.name ?? aaguid}`}
                  onClick={() => onChange(aaguids.filter((a) => a !== aaguid))}
                >
                  Remove
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

function ProviderIcon({ provider }: { provider: PolicyProviderOption }) {
  return (
    <picture className="policy-icon">
      <source srcSet={provider.iconDark} media="(prefers-color-scheme: dark)" />
      {/* Icons are data: URLs drawn by the app (or the operator's file): only ever through <img>. */}
      <img src={provider.iconLight} alt="" width={28} height={28} />
    </picture>
  );
}
