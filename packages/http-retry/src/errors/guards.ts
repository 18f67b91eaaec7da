import { type HttpRetryError, type HttpRetryErrorCode, hasHttpRetryBrand } from "./http-retry-error.ts";

/** Deep enough for any real wrapping; stops a cyclic `cause` chain from looping forever. */
const MAX_DEPTH = 32;

/**
 * The first error in `err`'s `cause` chain (starting with `err` itself) that this package created
 * and that carries one of `codes`, or any code of this package when `codes` is empty. Recognises
 * the package's brand, not `instanceof`, so errors from another copy of this package match, and a
 * foreign error with the same `code` (e.g. a store's `NOT_FOUND`) never does.
 *
 * @example
 * ```ts
 * const busy = findHttpRetryError(err, "SERVICE_UNAVAILABLE")
 * if (busy) console.log(busy.retryAfterMs)
 * ```
 */
export function findHttpRetryError(err: unknown, ...codes: HttpRetryErrorCode[]): HttpRetryError | undefined {
  let current = err;
  for (let depth = 0; depth < MAX_DEPTH && typeof current === "object" && current !== null; depth++) {
    if (hasHttpRetryBrand(current) && KNOWN.has(current.code) && (codes.length === 0 || codes.includes(current.code)))
      return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

const KNOWN = new Set<string>([
  "NOT_FOUND",
  "SERVICE_UNAVAILABLE",
  "TOO_MANY_REQUESTS",
  "HTTP_STATUS",
  "NETWORK",
  "BODY_TOO_LARGE",
]);

/** `err` or something in its `cause` chain is an error of this package. */
export const isHttpRetryError = (err: unknown): boolean => findHttpRetryError(err) !== undefined;
/** ... is an `HttpError` (any status). */
export const isHttpError = (err: unknown): boolean =>
  findHttpRetryError(err, "NOT_FOUND", "SERVICE_UNAVAILABLE", "TOO_MANY_REQUESTS", "HTTP_STATUS") !== undefined;
/** ... is a 404. */
export const isNotFound = (err: unknown): boolean => findHttpRetryError(err, "NOT_FOUND") !== undefined;
/** ... is a 503: a caller that wraps it in its own error still sees it (the reference's `errors.Is`). */
export const isServiceUnavailable = (err: unknown): boolean =>
  findHttpRetryError(err, "SERVICE_UNAVAILABLE") !== undefined;
/** ... is a 429. */
export const isTooManyRequests = (err: unknown): boolean => findHttpRetryError(err, "TOO_MANY_REQUESTS") !== undefined;
/** ... is another unusable status, or HTML on a 2xx. */
export const isHttpStatusError = (err: unknown): boolean => findHttpRetryError(err, "HTTP_STATUS") !== undefined;
/** ... is a transport failure or timeout. */
export const isNetworkError = (err: unknown): boolean => findHttpRetryError(err, "NETWORK") !== undefined;
/** ... is a body over the `readBounded` limit. */
export const isBodyTooLarge = (err: unknown): boolean => findHttpRetryError(err, "BODY_TOO_LARGE") !== undefined;
