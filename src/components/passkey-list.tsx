import type { PasskeySummary } from "@/contracts/passkeys";

const dateFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

function formatDate(iso: string): string {
  return dateFormat.format(new Date(iso));
}

/** The user's passkeys as a list of sign-in methods. */
export function PasskeyList({ passkeys }: { passkeys: PasskeySummary[] }) {
  if (passkeys.length === 0) {
    return (
      <p className="empty">
        You have no passkeys yet. A passkey lets you sign in with your face, fingerprint or PIN, and
        can&apos;t be phished.
      </p>
    );
  }
  return (
    <ul className="methods" aria-label="Your sign-in methods">
      {passkeys.map((p) => (
        <li key={p.id} className="method" data-passkey-id={p.id}>
          <span className="method-icon" aria-hidden="true">
            <svg viewBox="0 0 24 24" width="24" height="24" focusable="false">
              <circle cx="8" cy="8" r="4" fill="none" stroke="currentColor" strokeWidth="2" />
              <path d="M11 11l9 9m-4-4l2-2m-4 0l2-2" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
            </svg>
          </span>
          <div className="method-body">
            <span className="method-type">Passkey</span>
            <span className="method-name">{p.name}</span>
          </div>
          <div className="method-meta">
            <span>Added {formatDate(p.createdAt)}</span>
            <span>{p.lastUsedAt ? `Last used ${formatDate(p.lastUsedAt)}` : "Never used"}</span>
          </div>
        </li>
      ))}
    </ul>
  );
}
