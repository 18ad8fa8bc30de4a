import { type NextRequest, NextResponse } from "next/server";
import { getConfig } from "@/server/config";
import { methodNotAllowed } from "@/server/http/allowed-methods";
import { buildSecurityHeaders } from "@/server/http/security-headers";

/**
 * Security headers on every response. Each request gets a fresh 128-bit nonce in its
 * Content-Security-Policy; Next.js reads the nonce from the request's copy of that header while
 * rendering and puts it on its own scripts (pages render per request for that: see the root
 * layout). A method a route does not take gets our JSON 405 here, not Next.js's empty one.
 */
export function proxy(request: NextRequest): NextResponse {
  const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  const { pathname } = request.nextUrl;
  const headers = buildSecurityHeaders({
    nonce,
    origins: getConfig().origins,
    development: process.env.NODE_ENV === "development",
    pathname,
  });
  const csp = headers.find(([name]) => name === "Content-Security-Policy")![1];

  const refusal = methodNotAllowed(request.method, pathname);
  let response: NextResponse;
  if (refusal) {
    response = new NextResponse(refusal.body, { status: refusal.status, headers: refusal.headers });
  } else {
    const requestHeaders = new Headers(request.headers);
    requestHeaders.set("Content-Security-Policy", csp);
    response = NextResponse.next({ request: { headers: requestHeaders } });
  }
  for (const [name, value] of headers) response.headers.set(name, value);
  return response;
}

// No matcher: the proxy runs for every path, so pages, API routes, static files and the
// not-found answer all carry the headers.
