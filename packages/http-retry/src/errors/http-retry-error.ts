/** Every `code` this package puts on its errors: stable strings for checks across realms and wrappers. */
export type HttpRetryErrorCode =
  | "NOT_FOUND"
  | "SERVICE_UNAVAILABLE"
  | "TOO_MANY_REQUESTS"
  | "HTTP_STATUS"
  | "NETWORK"
  | "BODY_TOO_LARGE";

/** Fields shared by every error of this package. */
export interface HttpRetryErrorOptions {
  cause?: unknown;
  /** Milliseconds the server asked us to wait (`Retry-After`), when it sent a usable one. */
  retryAfterMs?: number | undefined;
  /** How many requests were made before giving up (1 when no retry happened). */
  attempts?: number | undefined;
}

/**
 * Base class of every error this package throws. `code` is a stable string (also usable where
 * `instanceof` fails, e.g. across realms); `cause` keeps the underlying error.
 *
 * `attempts` and `budgetExhausted` are filled in by `fetchWithRetry` when it gives up, so they
 * are writable; nothing else should change them.
 *
 * @example
 * ```ts
 * try { await fetchWithRetry(url) } catch (err) {
 *   if (err instanceof HttpRetryError) console.log(err.code, err.attempts)
 * }
 * ```
 */
export class HttpRetryError extends Error {
  override name = "HttpRetryError";
  readonly code: HttpRetryErrorCode;
  readonly retryAfterMs: number | undefined;
  /** Requests made for the call that failed with this error. */
  attempts: number;
  /** True when a shared `RetryBudget` refused the retry that would have followed this error. */
  budgetExhausted = false;

  constructor(code: HttpRetryErrorCode, message: string, options: HttpRetryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
    this.attempts = options.attempts ?? 1;
  }
}
