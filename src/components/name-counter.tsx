"use client";

import { textLength } from "@/contracts/text-rules";

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
