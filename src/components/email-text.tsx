/**
 * An email address that wraps only before its "@" and before the dots of its domain, never inside
 * a word: browsers otherwise break after any hyphen ("e2e-" / "user…"), splitting the name a person
 * reads. Its text is exactly the address (copying it copies the address).
 */
export function EmailText({ email }: { email: string }) {
  const at = email.lastIndexOf("@");
  const parts = at > 0 ? [email.slice(0, at), ...email.slice(at).split(/(?=\.)/)] : [email];
  return (
    <span className="email-text">
      {parts.map((part, i) => (
        <span key={i}>
          {i > 0 && <wbr />}
          <span className="nowrap">{part}</span>
        </span>
      ))}
    </span>
  );
}
