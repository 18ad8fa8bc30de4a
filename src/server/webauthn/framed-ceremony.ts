import "server-only";
import type { ClientData } from "./challenges";

/**
 * Why a response came from a ceremony run inside a frame, or null when it did not. This app is
 * never framed (CSP `frame-ancestors 'none'`, X-Frame-Options DENY) and names no embedding origin,
 * so a clientDataJSON with `crossOrigin: true` or any `topOrigin` (WebAuthn L3 §5.8.1) is not from
 * our pages: the relying party must check it (§7.1 step 11, §7.2 step 14). The library accepts
 * `crossOrigin: true` when `topOrigin` is absent and ignores a `topOrigin` without it.
 */
export function framedCeremonyProblem({ crossOrigin, topOrigin }: Pick<ClientData, "crossOrigin" | "topOrigin">): string | null {
  if (crossOrigin !== undefined && crossOrigin !== false) return "ceremony run in a cross-origin frame (crossOrigin)";
  if (topOrigin !== undefined) return "ceremony run in a frame (topOrigin)";
  return null;
}
