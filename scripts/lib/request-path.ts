/**
 * The path of a request target as a URL parser reads it (dot segments resolved, percent-encoding
 * kept), which is how Next.js routes it. An origin-form target is read under a fixed origin, so a
 * target such as "//api/x" stays a path instead of naming a host.
 */
export function requestPath(target: string | undefined): string {
  const value = target ?? "/";
  try {
    return new URL(value.startsWith("/") ? `http://localhost${value}` : value).pathname;
  } catch {
    return "/";
  }
}
