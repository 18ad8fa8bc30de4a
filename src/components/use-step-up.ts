"use client";

import { useCallback, useRef, useState } from "react";
import { ApiError } from "./api";

export interface StepUp {
  /** True while the dialog should show VerifyIdentity instead of its own step. */
  verifying: boolean;
  /**
   * For an action's catch: when `error` is 401 REAUTH_REQUIRED (the sign-in is no longer fresh),
   * switches to verifying and keeps `retry` for when the user has verified; true if it did.
   */
  required(error: unknown, retry: () => void): boolean;
  /** VerifyIdentity's onVerified: runs the action again (the verify view stays until it answers). */
  verified(): void;
  /** Back to the dialog's own steps (on open, and when the retried action fails otherwise). */
  reset(): void;
}

/**
 * The "401 REAUTH_REQUIRED → Verify your identity → the same action again" pattern of every dialog
 * that changes security info, in one place.
 */
export function useStepUp(): StepUp {
  const [verifying, setVerifying] = useState(false);
  const pending = useRef<(() => void) | null>(null);
  // Stable functions (they touch only a ref and a state setter), so effects may depend on them.
  const required = useCallback((error: unknown, retry: () => void) => {
    if (!(error instanceof ApiError && error.code === "REAUTH_REQUIRED")) return false;
    pending.current = retry;
    setVerifying(true);
    return true;
  }, []);
  const verified = useCallback(() => pending.current?.(), []);
  const reset = useCallback(() => {
    pending.current = null;
    setVerifying(false);
  }, []);
  return { verifying, required, verified, reset };
}
