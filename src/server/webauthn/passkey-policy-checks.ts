import "server-only";
import { AppError } from "../errors";
import type { PasskeyPolicy } from "../policy/passkey-policy";

/**
 * Whether the policy lets this user add passkeys at all: passkeys on, self-service setup on, and
 * the user among those the policy targets.
 * @throws PASSKEYS_DISABLED, with the reason
 */
export function assertMayRegisterPasskeys(policy: PasskeyPolicy, targeted: boolean): void {
  if (!policy.enabled) {
    throw new AppError("PASSKEYS_DISABLED", "Your organization has turned passkeys off, so you can't add one.");
  }
  if (!policy.selfServiceSetup) {
    throw new AppError(
      "PASSKEYS_DISABLED",
      "Your organization doesn't let you add passkeys yourself. Ask your administrator to set one up for you.",
    );
  }
  if (!targeted) {
    throw new AppError(
      "PASSKEYS_DISABLED",
      "Your organization's passkey policy doesn't include your account. Ask your administrator to include you.",
    );
  }
}
