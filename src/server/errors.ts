import "server-only";
import { ERROR_STATUS, type ErrorCode } from "@/contracts/errors";

/** An error whose message is safe to show to the user; detail belongs in `cause` and the logs. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "AppError";
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}
