import "server-only";

/**
 * The passkey policy the portal enforces. Administrators will edit it (stored in PostgreSQL);
 * until then these are the defaults every organisation starts from.
 */
export interface PasskeyPolicy {
  /** Whether users may register passkeys at all. */
  enabled: boolean;
  /** Most passkeys one user may have (1-10). */
  maxPasskeysPerUser: number;
}

export const DEFAULT_PASSKEY_POLICY: PasskeyPolicy = Object.freeze({
  enabled: true,
  maxPasskeysPerUser: 10,
});

export async function getPasskeyPolicy(): Promise<PasskeyPolicy> {
  return DEFAULT_PASSKEY_POLICY;
}
