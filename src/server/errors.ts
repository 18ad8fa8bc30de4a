import "server-only";
import { ERROR_STATUS, type ErrorCode } from "@/contracts/errors";

/** An error whose message is safe to show to the user; detail belongs in `cause` and the logs. */
export class AppError extends Error {
  /** Seconds after which the request may succeed (sent as Retry-After), for SIGN_IN_LOCKED. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: ErrorOptions & { retryAfterSeconds?: number },
  ) {
    super(message, options);
    this.name = "AppError";
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}
