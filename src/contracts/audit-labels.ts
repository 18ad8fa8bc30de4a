// What the audit log's activities and detail fields are called on the page. The log itself (and
// its CSV export) keeps the raw codes: these are words for people, and may be reworded.

/** Each activity the log records, as people say it. */
export const AUDIT_EVENT_LABELS: Record<string, string> = {
  "passkey.registration": "Registered a passkey",
  "passkey.authentication": "Signed in with a passkey",
  "passkey.counter_regression": "Passkey sign-in refused: possible cloned passkey",
  "passkey.renamed": "Renamed a passkey",
  "passkey.deleted": "Deleted a passkey",
  "password.signin": "Signed in with a password",
  "password.set": "Set or changed the password",
  "authenticator_app.added": "Added an authenticator app",
  "authenticator_app.removed": "Removed the authenticator app",
  "default_sign_in_method.changed": "Changed the default sign-in method",
  "tap.issued": "Issued a Temporary Access Pass",
  "tap.signin": "Signed in with a Temporary Access Pass",
  "sessions.revoked": "Signed out everywhere",
  "signin.locked": "Sign-in locked after failed attempts",
  "campaign.skipped": "Chose \u201cNot now\u201d when asked to add a passkey",
  "policy.updated": "Changed the passkey policy",
  "admin.passkey.deleted": "Administrator deleted a passkey",
  "admin.passkeys.reregistration_required": "Administrator required new passkeys",
  "admin.sessions.revoked": "Administrator signed the user out everywhere",
  "admin.signin_lock.cleared": "Administrator cleared a sign-in lock",
};

/** The activity's name; a code this version does not know is shown as it is. */
export function auditEventLabel(type: string): string {
  return Object.hasOwn(AUDIT_EVENT_LABELS, type) ? AUDIT_EVENT_LABELS[type]! : type;
}

/** Names of the detail fields. Fields not listed keep their key. */
export const AUDIT_DETAIL_LABELS: Record<string, string> = {
  passkeyId: "Passkey",
  name: "Name",
  from: "From",
  to: "To",
  reason: "Reason",
  rule: "Policy rule",
  aaguid: "Provider",
  fmt: "Attestation format",
  attestationVerified: "Maker verified",
  deviceType: "Kind",
  userVerified: "User verified",
  credentialId: "Credential ID",
  remaining: "Passkeys left",
  sessionsEnded: "Sessions ended",
  revoked: "Sessions ended",
  factors: "Factors",
  rehashed: "Password hash upgraded",
  oneTime: "One use only",
  lifetimeMinutes: "Valid for (minutes)",
  signInLockCleared: "Sign-in lock cleared",
  scope: "Locked",
  lockouts: "Lockouts",
  failures: "Failed attempts",
  lockedUntil: "Locked until",
  key: "Lock key",
  ip: "Address",
  skips: "Times skipped",
  deletedPasskeys: "Passkeys deleted",
  campaignSkipLimit: "Skips allowed",
  campaignEnabled: "Prompt on",
  version: "Policy version",
  changes: "Changes",
  before: "Before",
  after: "After",
  authenticatorAppId: "Authenticator app",
  defaultCleared: "Default method cleared",
  changed: "Changed",
  via: "Via",
};

export interface AuditDetailField {
  label: string;
  value: string;
}
