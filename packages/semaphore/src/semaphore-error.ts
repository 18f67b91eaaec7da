/** Every reason a semaphore call can fail with a {@link SemaphoreError}. */
export type SemaphoreErrorCode = "TIMEOUT" | "WEIGHT_EXCEEDS_CAPACITY";

/**
 * Marks every error this package creates, so {@link isSemaphoreError} matches only those, never a
 * foreign error that happens to carry the same `name` and `code` (issue 16). `Symbol.for` so
 * another copy of the package (another version, or `dist` beside `src`) still recognises them,
 * where `instanceof` fails; non-enumerable, so spreading, logging or serialising an error drops it.
 */
const BRAND = Symbol.for("@subtreekit/semaphore");

/**
 * Base class of the errors this package creates, so callers can tell "the semaphore said no"
 * apart from an abort reason (which is passed through untouched) with one `instanceof` or
 * {@link isSemaphoreError}.
 *
 * @example
 * ```ts
 * try {
 *   await sem.acquire(1, { timeoutMs: 100 });
 * } catch (err) {
 *   if (isSemaphoreError(err) && err.code === "TIMEOUT") return new Response(null, { status: 503 });
 *   throw err;
 * }
 * ```
 */
export class SemaphoreError extends Error {
  override readonly name: "SemaphoreError" | "SemaphoreTimeoutError" | "SemaphoreWeightError" = "SemaphoreError";
  readonly code: SemaphoreErrorCode;

  constructor(message: string, code: SemaphoreErrorCode, options?: { cause?: unknown }) {
    super(message, options);
    Object.defineProperty(this, BRAND, { value: true });
    this.code = code;
  }
}

/** True when `err` is an error created by this package, also by another copy of it (not an abort reason). */
export function isSemaphoreError(err: unknown): err is SemaphoreError {
  return typeof err === "object" && err !== null && (err as { [BRAND]?: unknown })[BRAND] === true;
}
