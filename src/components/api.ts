"use client";

import { isErrorCode, type ErrorCode } from "@/contracts/error-codes";
import { isErrorResponse } from "@/contracts/labels";

/** What a call can fail with: one of the API's codes, or NETWORK when the server was not reached. */
export type ClientErrorCode = ErrorCode | "NETWORK";

/** An error answered by our API, carrying its stable code. */
export class ApiError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Fired on window when an answer says the session has ended (SessionEnded shows it). */
export const SESSION_ENDED_EVENT = "security-info:session-ended";

/** Sends JSON to one of our API routes and returns the parsed answer, or throws ApiError. */
export async function callApi<T>(url: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: init.method ?? "POST",
      headers: init.body === undefined && init.method === "GET" ? {} : { "content-type": "application/json" },
      body: init.method === "GET" ? undefined : JSON.stringify(init.body ?? {}),
      credentials: "same-origin",
    });
  } catch {
    throw new ApiError("NETWORK", "We couldn't reach the server. Check your connection and try again.", 0);
  }
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    if (isErrorResponse(data) && isErrorCode(data.error.code)) {
      // Signed out elsewhere, revoked or expired: no retry can work, so the page offers sign-in.
      if (data.error.code === "UNAUTHENTICATED") window.dispatchEvent(new Event(SESSION_ENDED_EVENT));
      throw new ApiError(data.error.code, data.error.message, res.status);
    }
    throw new ApiError("INTERNAL", "Something went wrong on our side. Please try again.", res.status);
  }
  return data as T;
}
