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

// Characters as people see them (grapheme clusters): "é" typed as e + combining accent, a flag, a
// family emoji joined with zero-width joiners or a thumbs-up with a skin tone are each one.
const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

/** How many code points `max` characters may take in all: enough for the longest emoji sequences, not for a thousand marks stacked on one letter. */
const CODE_POINTS_PER_CHARACTER = 10;

function characters(value: string): string[] {
  return Array.from(graphemes.segment(value.normalize("NFC")), (part) => part.segment);
}

/** A name's length as both sides count it: characters as people see them, after NFC normalisation. */
export function textLength(value: string): number {
  return characters(value).length;
}

/** Whether `value` fits `max` characters, and the code points those may take (CODE_POINTS_PER_CHARACTER). */
export function fitsLength(value: string, max: number): boolean {
  return textLength(value) <= max && [...value.normalize("NFC")].length <= max * CODE_POINTS_PER_CHARACTER;
}

/** The longest prefix of `value` (after NFC) of at most `max` characters: never half an emoji or a letter without its accent. */
export function truncateText(value: string, max: number): string {
  let kept = "";
  let count = 0;
  for (const character of characters(value)) {
    if (count === max || [...kept].length + [...character].length > max * CODE_POINTS_PER_CHARACTER) break;
    kept += character;
    count++;
  }
  return kept;
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
  if (!fitsLength(normalised, max)) return { error: lineTooLongMessage(max) };
  return { value: normalised };
}

/**
 * What an input keeps as the user types or pastes: the value untouched while it fits `max` (no
 * normalising under an input method's feet), else cut to `max` characters after NFC, the count
 * the server applies. Replaces the `maxLength` attribute, which counts UTF-16 units and so takes
 * half as many emoji and can cut one in two.
 */
export function clampText(value: string, max: number): string {
  return fitsLength(value, max) ? value : truncateText(value, max);
}
