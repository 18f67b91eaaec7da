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
 * Marks every error this package creates, so the guards match only those, never a foreign error
 * that happens to carry the same `code` (a storage `NOT_FOUND` is not an HTTP 404, issue 16).
 * `Symbol.for` so another copy of the package (another version, or `dist` beside `src`) still
 * recognises them; set non-enumerable, so spreading, logging or serialising an error drops it.
 */
const BRAND = Symbol.for("@subtreekit/http-retry");

/** True when `value` was created by this package (any copy of it), whatever its class in this realm. */
export function hasHttpRetryBrand(value: unknown): value is HttpRetryError {
  return typeof value === "object" && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}

/**
 * Base class of every error this package throws. `code` is a stable string; `cause` keeps the
 * underlying error. Where `instanceof` fails (another copy of the package), use the guards.
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
    Object.defineProperty(this, BRAND, { value: true });
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
    this.attempts = options.attempts ?? 1;
  }
}
