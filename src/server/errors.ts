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

// Prisma's codes for an unreachable database, a closed connection and an exhausted pool.
const PRISMA_CONNECTION_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
// The driver adapter's kinds for the same (@prisma/adapter-pg maps socket errors to these).
const ADAPTER_CONNECTION_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
// SQLSTATE class 08 (connection exception) and 57P01-57P03 (the server shut the session down).
const SQLSTATE_CONNECTION = /^(08...|57P0[123])$/;
const DRIVER_CONNECTION_MESSAGE = /Connection terminated|terminating connection|ECONNRESET|ECONNREFUSED|Client has encountered a connection error/i;

/**
 * The database connection was lost or could not be made (a failover, a restart, a terminated
 * backend): a transaction it was running is rolled back, so the request may simply be sent again
 * (only a connection lost during COMMIT itself leaves the outcome unknown; a retried WebAuthn
 * verification then meets its used challenge). Returns the AppError to answer with, or null.
 */
export function asDatabaseUnavailable(error: unknown): AppError | null {
  if (!isConnectionLoss(error, 0)) return null;
  return new AppError("SERVICE_UNAVAILABLE", "We lost the connection to our database for a moment. Please try again.", {
    retryAfterSeconds: 1,
    cause: error,
  });
}

function isConnectionLoss(error: unknown, depth: number): boolean {
  if (depth > 4 || typeof error !== "object" || error === null) return false;
  const e = error as { name?: unknown; code?: unknown; kind?: unknown; message?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
  if (e.name === "PrismaClientInitializationError") return true;
  if (typeof e.code === "string" && (PRISMA_CONNECTION_CODES.has(e.code) || SQLSTATE_CONNECTION.test(e.code))) return true;
  if (typeof e.kind === "string" && ADAPTER_CONNECTION_KINDS.has(e.kind)) return true;
  if (e.kind === "postgres" && typeof e.code === "string" && SQLSTATE_CONNECTION.test(e.code)) return true;
  if (typeof e.message === "string" && DRIVER_CONNECTION_MESSAGE.test(e.message)) return true;
  return isConnectionLoss(e.meta?.driverAdapterError, depth + 1) || isConnectionLoss(e.cause, depth + 1);
}
