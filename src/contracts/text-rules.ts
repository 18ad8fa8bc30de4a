// Text rules shared by the API's schemas (text.ts) and the browser's inputs. No zod here: client
// code imports this without pulling the schema library into the page's JavaScript.

/**
 * Characters no name or search may carry: C0 and C1 controls (NUL is also something PostgreSQL
 * cannot store: error 22021), the line and paragraph separators, and the bidi embeddings,
 * overrides and isolates, which reorder what is shown ("abc\u202Egnp.exe" reads "abcexe.png":
 * Trojan Source, CVE-2021-42574).
 */
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
const FORBIDDEN_ALL = new RegExp(FORBIDDEN.source, "gu");
/** Half of a surrogate pair on its own (JSON can carry "\uD800"; it is no character at all). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATE_ALL = new RegExp(LONE_SURROGATE.source, "g");

/** Why `value` cannot be shown as one line of plain text, or null when it can. */
export function textProblem(value: string): string | null {
  if (LONE_SURROGATE.test(value)) return "Contains a broken character (an unpaired surrogate).";
  if (FORBIDDEN.test(value)) return "Contains control or text-direction characters; type the text again without them.";
  return null;
}

/** `value` without the characters textProblem refuses (for text we did not get from a person, such as a user agent). */
export function stripUnsafeText(value: string): string {
  return value.replace(LONE_SURROGATE_ALL, "").replace(FORBIDDEN_ALL, "");
}

/**
 * A name's length as both sides count it: code points after NFC normalisation, so "é" typed as
 * e + combining accent is one, and an emoji outside the BMP is one (not two UTF-16 units).
 */
export function textLength(value: string): number {
  return [...value.normalize("NFC")].length;
}

/** The longest prefix of `value` (after NFC) that is at most `max` code points: never half a surrogate pair. */
export function truncateText(value: string, max: number): string {
  return [...value.normalize("NFC")].slice(0, max).join("");
}

export function lineTooLongMessage(max: number): string {
  return `Use at most ${max} characters.`;
}

/**
 * lineOfText's rule (text.ts) without zod, for an input's check before any request: the cleaned
 * value, or the message the server would answer with.
 */
export function checkLineOfText(value: string, { max, required = "Enter a name." }: { max: number; required?: string }): { value: string } | { error: string } {
  const trimmed = value.trim();
  const problem = textProblem(trimmed);
  if (problem) return { error: problem };
  const normalised = trimmed.normalize("NFC");
  if (normalised.length < 1) return { error: required };
  if (textLength(normalised) > max) return { error: lineTooLongMessage(max) };
  return { value: normalised };
}

/**
 * What an input keeps as the user types or pastes: the value untouched while it fits `max` (no
 * normalising under an input method's feet), else cut to `max` code points after NFC, the count
 * the server applies. Replaces the `maxLength` attribute, which counts UTF-16 units and so takes
 * half as many emoji and can cut one in two.
 */
export function clampText(value: string, max: number): string {
  return textLength(value) <= max ? value : truncateText(value, max);
}
