import "server-only";
import type { z } from "zod";
import { ZodError } from "zod";
import type { ErrorCode } from "@/contracts/errors";
import { ERROR_STATUS } from "@/contracts/errors";
import type { AuditContext } from "../audit";
import { getConfig } from "../config";
import { AppError, asDatabaseUnavailable } from "../errors";
import { clientIp } from "./client-ip";

/** Largest JSON body any endpoint accepts: a WebAuthn response with attestation fits easily. */
export const MAX_BODY_BYTES = 64 * 1024;

export const SAFE_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"]);

export function errorResponse(code: ErrorCode, message: string, headers?: HeadersInit): Response {
  return Response.json({ error: { code, message } }, { status: ERROR_STATUS[code], headers });
}

/**
 * Cross-site request protection for state-changing requests: the body must be JSON (a plain HTML
 * form cannot send that without a CORS preflight) and the Origin header must be one of ours.
 */
export function assertSameOrigin(req: Request): void {
  if (SAFE_METHODS.has(req.method)) return;
  const origin = req.headers.get("origin");
  if (!origin || !getConfig().origins.includes(origin)) {
    throw new AppError("CROSS_SITE_REQUEST", "This request did not come from this site.", {
      cause: `origin ${origin ?? "(none)"}`,
    });
  }
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the request body as application/json.");
  }
}

/** Reads and validates a JSON body, refusing bodies over MAX_BODY_BYTES before parsing them. */
export async function readJson<T extends z.ZodType>(req: Request, schema: T): Promise<z.output<T>> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const text = await readLimited(req);
  let data: unknown;
  try {
    data = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    throw new AppError("INVALID_REQUEST", "The request body is not valid JSON.");
  }
  return schema.parse(data);
}

async function readLimited(req: Request): Promise<string> {
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function tooLarge() {
  return new AppError("PAYLOAD_TOO_LARGE", `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB.`);
}

/** Who made the request, for audit rows and sign-in locks; the address follows TRUSTED_PROXIES. */
export function auditContext(req: Request): AuditContext {
  return {
    ip: clientIp(req.headers.get("x-forwarded-for"), getConfig().trustedProxies),
    userAgent: req.headers.get("user-agent"),
  };
}

type Handler<C> = (req: Request, ctx: C) => Promise<Response>;

/**
 * Wraps a route handler: cross-site protection for state-changing methods, AppError -> its status,
 * ZodError -> 400 INVALID_REQUEST, a lost database connection -> 503 SERVICE_UNAVAILABLE (its
 * transaction rolled back, so the client may retry), anything else -> a logged 500 INTERNAL.
 */
export function withErrors<C>(handler: Handler<C>): Handler<C> {
  return async (req, ctx) => {
    try {
      assertSameOrigin(req);
      return await handler(req, ctx);
    } catch (error) {
      return toErrorResponse(error);
    }
  };
}

export function toErrorResponse(error: unknown): Response {
  if (error instanceof AppError) {
    const retryAfter = error.retryAfterSeconds;
    return errorResponse(error.code, error.message, retryAfter === undefined ? undefined : { "Retry-After": String(retryAfter) });
  }
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    return errorResponse("INVALID_REQUEST", `${where}${issue?.message ?? "Invalid request."}`);
  }
  const unavailable = asDatabaseUnavailable(error);
  if (unavailable) {
    console.warn("Database connection lost during a request:", error instanceof Error ? error.message : error);
    return toErrorResponse(unavailable);
  }
  console.error("Unhandled error in route handler", error);
  return errorResponse("INTERNAL", "Something went wrong on our side. Please try again.");
}
