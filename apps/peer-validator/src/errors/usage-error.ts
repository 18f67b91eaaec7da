import { ValidatorError } from "./validator-error.ts";

/**
 * - `BAD_ARGS`: an unknown command or flag, a missing or malformed value.
 * - `BAD_CONFIG`: settings or a store URL that cannot be used.
 */
export type UsageErrorCode = "BAD_ARGS" | "BAD_CONFIG";

/** The command line or configuration cannot be used; exit code 2. */
export class UsageError extends ValidatorError {
  override name = "UsageError" as const;
  declare readonly code: UsageErrorCode;
  constructor(code: UsageErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
