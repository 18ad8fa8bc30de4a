import "server-only";
import { createPublicKey, type JsonWebKey } from "node:crypto";
import { decodeCredentialPublicKey } from "@simplewebauthn/server/helpers";

/** What each algorithm's key must be (RFC 9053 §2 and §7, RFC 8812 §2). */
const KEY_SHAPES: Record<number, { kty: number; crv?: number; coordinateBytes?: number; jwkCurve?: string }> = {
  [-7]: { kty: 2, crv: 1, coordinateBytes: 32, jwkCurve: "P-256" }, // ES256: EC2, P-256
  [-35]: { kty: 2, crv: 2, coordinateBytes: 48, jwkCurve: "P-384" }, // ES384: EC2, P-384
  [-36]: { kty: 2, crv: 3, coordinateBytes: 66, jwkCurve: "P-521" }, // ES512: EC2, P-521
  [-8]: { kty: 1, crv: 6, coordinateBytes: 32, jwkCurve: "Ed25519" }, // EdDSA: OKP, Ed25519
  [-257]: { kty: 3 }, // RS256
  [-258]: { kty: 3 }, // RS384
  [-259]: { kty: 3 }, // RS512
  [-37]: { kty: 3 }, // PS256
  [-38]: { kty: 3 }, // PS384
  [-39]: { kty: 3 }, // PS512
};

/**
 * The signature algorithms a new passkey may use, most preferred first: EdDSA, ES256, RS256 (COSE
 * -8, -7, -257). Named here rather than left to the library's default, which on a runtime with
 * post-quantum WebCrypto (Node.js 24) puts ML-DSA-44 first: a key of that kind could not be
 * verified on Node.js 22, which this server also runs on, and the check itself warns on Node.js 24.
 */
export const SUPPORTED_ALGORITHM_IDS: number[] = [-8, -7, -257];

// COSE key labels (RFC 9052 §7.1, RFC 9053 §7).
const KTY = 1;
const ALG = 3;
const CRV = -1;
const X = -2;
const Y = -3;
const RSA_N = -1;
const RSA_E = -2;

/**
 * Why a credential public key (COSE_Key) cannot be the key its algorithm names, or null when it
 * can. With "none" or self attestation nothing has been signed with the key at registration, so
 * without this check a key that can never verify a signature (an ES256 alg on an RSA or Ed25519
 * key, a P-384 curve, a short coordinate) would be stored and every sign-in with it would fail.
 */
export function credentialKeyProblem(publicKey: Uint8Array): string | null {
  let key: Map<number, unknown>;
  try {
    key = decodeCredentialPublicKey(new Uint8Array(publicKey)) as unknown as Map<number, unknown>;
  } catch {
    return "the public key is not CBOR";
  }
  if (!(key instanceof Map)) return "the public key is not a COSE_Key map";
  const alg = key.get(ALG);
  const kty = key.get(KTY);
  if (typeof alg !== "number") return "the public key names no algorithm";
  const shape = KEY_SHAPES[alg];
  if (!shape) return `algorithm ${alg} is not supported`;
  if (kty !== shape.kty) return `algorithm ${alg} needs key type ${shape.kty}, got ${String(kty)}`;
  if (shape.kty === 3) {
    const n = key.get(RSA_N);
    const e = key.get(RSA_E);
    if (!(n instanceof Uint8Array) || n.length < 256) return "the RSA modulus is missing or shorter than 2048 bits";
    if (!(e instanceof Uint8Array) || e.length === 0) return "the RSA exponent is missing";
    return unusable({ kty: "RSA", n: base64url(n), e: base64url(e) });
  }
  const crv = key.get(CRV);
  if (crv !== shape.crv) return `algorithm ${alg} needs curve ${shape.crv}, got ${String(crv)}`;
  const x = key.get(X);
  if (!(x instanceof Uint8Array) || x.length !== shape.coordinateBytes) return `x must be ${shape.coordinateBytes} bytes`;
  if (shape.kty === 1) return unusable({ kty: "OKP", crv: shape.jwkCurve, x: base64url(x) });
  const y = key.get(Y);
  if (!(y instanceof Uint8Array) || y.length !== shape.coordinateBytes) return `y must be ${shape.coordinateBytes} bytes`;
  // An EC point off the curve is refused here by node's key import.
  return unusable({ kty: "EC", crv: shape.jwkCurve, x: base64url(x), y: base64url(y) });
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}

function unusable(jwk: JsonWebKey): string | null {
  try {
    createPublicKey({ key: jwk, format: "jwk" });
    return null;
  } catch {
    return "the key cannot be imported";
  }
}

/** Whether a stored COSE_Key is an EC2 key, whose signatures are DER (WebAuthn §6.5.5). */
export function isEc2Key(publicKey: Uint8Array): boolean {
  try {
    return (decodeCredentialPublicKey(new Uint8Array(publicKey)) as unknown as Map<number, unknown>).get(KTY) === 2;
  } catch {
    return false;
  }
}
