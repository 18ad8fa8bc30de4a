"use client";

import { useEffect, type RefObject } from "react";

/**
 * Moves focus to the first control of each new step (else its heading) while the dialog is open,
 * for keyboard and screen-reader users. `step` names what the dialog shows now.
 */
export function useStepFocus(dialogRef: RefObject<HTMLDialogElement | null>, step: string): void {
  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog?.open) return;
    (dialog.querySelector<HTMLElement>("[data-autofocus]") ?? dialog.querySelector<HTMLElement>("h2"))?.focus();
  }, [dialogRef, step]);
}
