"use client";

import type { OtherMethods } from "@/contracts/methods";
import { DeadlineTime, formatDate } from "./local-time";
import { useHydrated } from "./use-hydrated";

export interface TemporaryAccessPassSummary {
  expiresAt: string;
  oneTime: boolean;
}

interface Props {
  methods: OtherMethods;
  /** Shown while it can still sign the user in; it ends on its own (or after one use). */
  tap: TemporaryAccessPassSummary | null;
  onChangePassword: () => void;
  onRemoveApp: () => void;
}

/** The password and the authenticator app, listed as sign-in methods beside the passkeys. */
export function OtherMethodsList({ methods, tap, onChangePassword, onRemoveApp }: Props) {
  const hydrated = useHydrated();
  const { password, authenticatorApp } = methods;
  return (
    <>
      <h2 id="other-methods-heading" className="list-heading other-methods" tabIndex={-1}>
        Other sign-in methods
      </h2>
      <ul className="methods" aria-labelledby="other-methods-heading">
        <li className="method" data-method="password">
          <span className="method-icon method-glyph" aria-hidden="true">
            ***
          </span>
          <div className="method-body">
            <span className="method-name">Password</span>
            <span className="method-meta">
              <span>{password ? `Last changed ${formatDate(password.changedAt)}` : "Not set"}</span>
            </span>
          </div>
          <div className="row-actions">
            <button
              type="button"
              className="link"
              disabled={!hydrated}
              data-method-action="password"
              aria-label={password ? "Change password" : "Set a password"}
              onClick={onChangePassword}
            >
              {password ? "Change" : "Set"}
            </button>
          </div>
        </li>
        {authenticatorApp && (
          <li className="method" data-method="authenticator-app">
            <span className="method-icon method-glyph" aria-hidden="true">
              123
            </span>
            <div className="method-body">
              <span className="method-name">Authenticator app</span>
              <span className="method-provider">Time-based one-time codes</span>
              <span className="method-meta">
                <span>Added {formatDate(authenticatorApp.addedAt)}</span>
              </span>
            </div>
            <div className="row-actions">
              <button
                type="button"
                className="link danger-link"
                disabled={!hydrated}
                data-method-action="authenticator-app"
                aria-label="Delete authenticator app"
                onClick={onRemoveApp}
              >
                Delete
              </button>
            </div>
          </li>
        )}
        {tap && (
          <li className="method" data-method="temporary-access-pass">
            <span className="method-icon method-glyph" aria-hidden="true">
              TAP
            </span>
            <div className="method-body">
              <span className="method-name">Temporary Access Pass</span>
              <span className="method-meta">
                <span>
                  Valid until <DeadlineTime iso={tap.expiresAt} />
                  {tap.oneTime ? ", one use only" : ""}
                </span>
              </span>
            </div>
          </li>
        )}
      </ul>
    </>
  );
}
