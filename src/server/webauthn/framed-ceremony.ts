import "server-only";

/**
 * Why a response came from a ceremony run inside a frame, or null when it did not. This app is
 * never framed (CSP `frame-ancestors 'none'`, X-Frame-Options DENY) and names no embedding origin,
 * so a clientDataJSON with `crossOrigin: true` or any `topOrigin` (WebAuthn L3 §5.8.1) is not from
 * our pages: the relying party must check it (§7.1 step 11, §7.2 step 14). The library accepts
 * `crossOrigin: true` when `topOrigin` is absent and ignores a `topOrigin` without it.
 */
export function framedCeremonyProblem(clientDataJSON: string): string | null {
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(clientDataJSON, "base64url").toString("utf8"));
  } catch {
    return "clientDataJSON is not JSON";
  }
  if (!data || typeof data !== "object") return "clientDataJSON is not an object";
  const { crossOrigin, topOrigin } = data as { crossOrigin?: unknown; topOrigin?: unknown };
  if (crossOrigin !== undefined && crossOrigin !== false) return "ceremony run in a cross-origin frame (crossOrigin)";
  if (topOrigin !== undefined) return "ceremony run in a frame (topOrigin)";
  return null;
}
