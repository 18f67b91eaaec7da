/**
 * Base class of every error the validator throws. `code` is a stable string for programmatic
 * checks (also across realms, where `instanceof` fails); `cause` keeps the underlying error.
 */
export class ValidatorError extends Error {
  override name: string = "ValidatorError";
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** True for any error thrown by this app, whichever realm created it. */
export function isValidatorError(err: unknown): err is ValidatorError {
  return (
    err instanceof ValidatorError ||
    (err instanceof Error &&
      typeof (err as ValidatorError).code === "string" &&
      /^(VerificationError|PeersUnavailableError|UsageError)$/.test(err.name))
  );
}
