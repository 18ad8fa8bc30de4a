import "server-only";

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. A cell that a
 * spreadsheet would read as a formula (= + - @, or a leading tab / carriage return) gets a leading
 * apostrophe, so an attacker-chosen value (a user agent, a passkey name) cannot run as one.
 */
export function csvField(value: string | null | undefined): string {
  let text = value ?? "";
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
