import "server-only";

/**
 * Whether an ECDSA signature is in strict DER (SEQUENCE of two minimal positive INTEGERs, X.690
 * §10, as WebAuthn §6.5.5 asks of EC2 signatures), with nothing before, between or after them.
 * The library's ASN.1 reader tolerates a wrong outer length, so without this check a signature
 * changed in transit could still be accepted as the authenticator's.
 */
export function isStrictDerEcdsaSignature(signature: Uint8Array): boolean {
  let at = 0;
  const readLength = (): number | null => {
    const first = signature[at++];
    if (first === undefined) return null;
    if (first < 0x80) return first;
    // Long form only where needed (P-521 signatures pass 127 bytes), one length byte at most.
    if (first !== 0x81) return null;
    const value = signature[at++];
    return value !== undefined && value >= 0x80 ? value : null;
  };
  const readInteger = (): boolean => {
    if (signature[at++] !== 0x02) return false;
    const length = readLength();
    if (!length || at + length > signature.length) return false;
    const head = signature[at]!;
    if (head & 0x80) return false; // negative
    if (head === 0 && (length === 1 || !(signature[at + 1]! & 0x80))) return false; // not minimal
    at += length;
    return true;
  };
  if (signature[at++] !== 0x30) return false;
  const length = readLength();
  if (length === null || at + length !== signature.length) return false;
  return readInteger() && readInteger() && at === signature.length;
}
