// The routes our HTTP server answers itself, without Next.js (decision 020): the two requests of a
// passkey sign-in, the app's busiest, and the two of adding a passkey, through the very functions
// Next.js's route files export (src/server/sign-in/passkey-sign-in-routes.ts,
// src/server/webauthn/passkey-registration-routes.ts), with the same request checks, answers,
// cookies and, from serve.ts, the same security headers. Next.js's request pipeline costs a
// ceremony more CPU than verifying it does; this path skips only that pipeline.
import type { IncomingMessage, ServerResponse } from "node:http";
import { ownDbForThisCopy } from "../../src/server/db";
import { headerCookieStore, withRequestCookies } from "../../src/server/http/request-cookies";
import { MAX_BODY_BYTES } from "../../src/server/http/route";
import { passkeySignInOptions, passkeySignInVerify } from "../../src/server/sign-in/passkey-sign-in-routes";
import { passkeyRegistrationOptions, passkeyRegistrationVerify } from "../../src/server/webauthn/passkey-registration-routes";

// This copy of the server modules is not Next.js's bundled one: it keeps its own database client.
ownDbForThisCopy();

type Handler = (req: Request, ctx: undefined) => Promise<Response>;

const POST_ROUTES: ReadonlyMap<string, Handler> = new Map([
  ["/api/webauthn/authentication/options", passkeySignInOptions],
  ["/api/webauthn/authentication/verify", passkeySignInVerify],
  ["/api/webauthn/registration/options", passkeyRegistrationOptions],
  ["/api/webauthn/registration/verify", passkeyRegistrationVerify],
]);

/** The handler our server answers `method` at `pathname` with, or undefined (Next.js answers). */
export function directRoute(method: string, pathname: string): Handler | undefined {
  return method === "POST" ? POST_ROUTES.get(pathname) : undefined;
}

/**
 * Answers `req` with `handler`: the body (read up to one byte past the limit, so the handler's own
 * check refuses a larger one), the headers and the cookies go in as a fetch Request; the Response's
 * status, headers, Set-Cookie lines and body go out on `res`, whose security headers serve.ts set.
 */
export async function answerDirectly(handler: Handler, req: IncomingMessage, res: ServerResponse, base: string): Promise<void> {
  const body = await readBody(req, MAX_BODY_BYTES + 1);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  const request = new Request(new URL(req.url ?? "/", base), { method: req.method, headers, body: body.length > 0 ? new Uint8Array(body) : null });
  const cookies = headerCookieStore(req.headers.cookie);
  const response = await withRequestCookies(cookies, () => handler(request, undefined));
  res.statusCode = response.status;
  response.headers.forEach((value, name) => res.setHeader(name, value));
  const setCookies = cookies.setCookies();
  if (setCookies.length > 0) res.setHeader("Set-Cookie", setCookies);
  res.end(Buffer.from(await response.arrayBuffer()));
}

/** The request body, at most `limit` bytes of it; the rest is read and dropped. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      if (size >= limit) return;
      const kept = chunk.subarray(0, limit - size);
      chunks.push(kept);
      size += kept.length;
    });
    req.once("end", () => resolve(Buffer.concat(chunks)));
    req.once("error", reject);
  });
}
