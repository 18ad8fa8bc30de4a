import "server-only";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/contracts/methods";

/**
 * The 10,000 most common passwords (SecLists, MIT; see THIRD_PARTY_NOTICES), lower-cased. Read
 * once, on the first check, from the file shipped beside this module.
 */
const COMMON_PASSWORDS_FILE = join(process.cwd(), "src", "server", "password", "common-passwords.txt");

let common: Set<string> | undefined;

function commonPasswords(): Set<string> {
  common ??= new Set(
    readFileSync(COMMON_PASSWORDS_FILE, "utf8")
      .split("\n")
      .map((line) => line.trim().normalize("NFKC").toLowerCase())
      .filter(Boolean),
  );
  return common;
}

/** Whether the password is on the common-passwords list (compared without regard to case). */
export function isCommonPassword(password: string): boolean {
  return commonPasswords().has(password.normalize("NFKC").toLowerCase());
}

/**
 * Why a new password is refused, in words the user can act on, or null when it is acceptable.
 * NIST SP 800-63B: length counts characters (code points after NFKC, as the hash sees them), no
 * composition rules, and a blocklist of passwords attackers try first. The email, or the part
 * before its @, is refused too: it is the first guess against this account.
 */
export function passwordProblem(password: string, email: string): string | null {
  const normalised = password.normalize("NFKC");
  const length = [...normalised].length;
  if (length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  if (isCommonPassword(normalised)) {
    return "This password is one of the most common passwords, which attackers try first. Choose another.";
  }
  const lower = normalised.toLowerCase();
  const address = email.normalize("NFKC").toLowerCase();
  const localPart = address.split("@")[0] ?? address;
  if (lower === address || lower === localPart) return "Don't use your email address, or the part before the @, as your password.";
  return null;
}
