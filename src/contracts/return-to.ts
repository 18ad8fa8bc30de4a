/**
 * Where to send the user after sign-in. Only same-origin relative paths are accepted: an absolute
 * URL, a scheme-relative `//host` or a backslash trick would make us an open redirect.
 */
export function safeReturnTo(value: string | null | undefined, fallback = "/security-info"): string {
  if (!value || value.length > 512) return fallback;
  if (!value.startsWith("/") || value.startsWith("//") || value.includes("\\")) return fallback;
  // Control characters can make browsers read a path as something else.
  if (/[\u0000-\u001f\u007f]/.test(value)) return fallback;
  try {
    const url = new URL(value, "http://relative.invalid");
    if (url.origin !== "http://relative.invalid") return fallback;
    // Dot segments are resolved only now ("/.//evil" becomes "//evil"): check the result too.
    const path = `${url.pathname}${url.search}${url.hash}`;
    return path.startsWith("//") || path.includes("\\") ? fallback : path;
  } catch {
    return fallback;
  }
}
