"use client";

import { useId, useState } from "react";
import type { PolicyTargetUser, PolicyUserSearchResponse } from "@/contracts/policy";
import { ApiError, callApi } from "../api";

interface Props {
  users: PolicyTargetUser[];
  error?: string;
  onChange: (users: PolicyTargetUser[]) => void;
}

/** The users a "selected" policy applies to: found by the start of their email, added, removed. */
export function PolicyUserPicker({ users, error, onChange }: Props) {
  const [query, setQuery] = useState("");
  const [results, setResults] = useState<PolicyTargetUser[] | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputId = useId();
  const errorId = useId();
  const resultsId = useId();

  async function search() {
    if (!query.trim()) {
      setMessage("Type the start of an email address.");
      return;
    }
    setBusy(true);
    try {
      const found = await callApi<PolicyUserSearchResponse>(`/api/admin/policy/users?email=${encodeURIComponent(query)}`, {
        method: "GET",
      });
      setResults(found.users);
      setMessage(found.users.length === 0 ? "No user's email starts with that." : null);
    } catch (e) {
      setMessage(e instanceof ApiError ? e.message : "We couldn't search for users. Please try again.");
    } finally {
      setBusy(false);
    }
  }

  const chosen = new Set(users.map((u) => u.id));
  return (
    <div className="policy-picker">
      <label htmlFor={inputId}>Add a user by email</label>
      <div className="policy-picker-row">
        <input
          id={inputId}
          type="email"
          autoComplete="off"
          value={query}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            // Enter searches here instead of saving the whole form.
            if (e.key === "Enter") {
              e.preventDefault();
              void search();
            }
          }}
        />
        <button type="button" className="secondary" disabled={busy} onClick={() => void search()}>
          Find
        </button>
      </div>
      {error && (
        <p id={errorId} className="error">
          {error}
        </p>
      )}
      <p className="notice" role="status">
        {message}
      </p>
      {results && results.length > 0 && (
        <ul className="policy-options" id={resultsId} aria-label="Matching users">
          {results.map((u) => (
            <li key={u.id}>
              <span className="policy-option-text">
                <strong>{u.displayName}</strong> <span className="policy-sub">{u.email}</span>
              </span>
              <button
                type="button"
                className="link"
                disabled={chosen.has(u.id)}
                aria-label={`${chosen.has(u.id) ? "Added" : "Add"} ${u.email}`}
                onClick={() => onChange([...users, u])}
              >
                {chosen.has(u.id) ? "Added" : "Add"}
              </button>
            </li>
          ))}
        </ul>
      )}
      <h2 className="policy-list-heading">Selected users ({users.length})</h2>
      {users.length === 0 ? (
        <p className="notice">Nobody yet. Add at least one user, or target all users.</p>
      ) : (
        <ul className="policy-options">
          {users.map((u) => (
            <li key={u.id}>
              <span className="policy-option-text">
                <strong>{u.displayName}</strong> <span className="policy-sub">{u.email}</span>
              </span>
              <button
                type="button"
                className="link danger-link"
                aria-label={`Remove ${u.email}`}
                onClick={() => onChange(users.filter((other) => other.id !== u.id))}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
