import { z } from "zod";

// The codes themselves live in error-codes.ts, which has no zod, so the browser can check them.
export { ERROR_STATUS, isErrorCode, type ErrorCode } from "./error-codes";

export const ErrorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
export type ErrorResponse = z.infer<typeof ErrorResponse>;
