import { z } from "zod";
import { fitsLength, lineTooLongMessage, textProblem } from "./text-rules";

// The rules themselves live in text-rules.ts, which has no zod, so the browser can apply them
// without the schema library; these are the schemas the API parses with.
export { clampText, fitsLength, stripUnsafeText, textLength, textProblem, truncateText } from "./text-rules";

/**
 * One line of text a person typed (a passkey name, a display name): trimmed (surrounding tabs and
 * newlines go with the spaces), refused if it still carries control or bidi characters,
 * NFC-normalised, and counted in characters as people see them (grapheme clusters).
 */
export function lineOfText({ max, required = "Enter a name." }: { max: number; required?: string }) {
  return cleanText()
    .min(1, required)
    .refine((value) => fitsLength(value, max), lineTooLongMessage(max));
}

/** A search box: may be empty, never carries control or bidi characters (emails and names hold none). */
export function searchText(max: number) {
  return cleanText().max(max, `Search with at most ${max} characters.`);
}

/** Trimmed, refused with control or bidi characters, then NFC-normalised. */
function cleanText() {
  return z
    .string()
    .trim()
    .superRefine((value, ctx) => {
      const problem = textProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem, abort: true });
    })
    .normalize("NFC");
}
