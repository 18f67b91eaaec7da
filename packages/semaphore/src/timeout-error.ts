import { SemaphoreError } from "./semaphore-error.ts";

/**
 * `acquire()` waited `timeoutMs` without getting its permit. The waiter has already left the
 * queue when this is thrown, so nothing needs undoing.
 *
 * @example
 * ```ts
 * await sem.acquire(1, { timeoutMs: 30_000 }).catch((err) => {
 *   if (err instanceof SemaphoreTimeoutError) console.log(`gave up after ${err.timeoutMs} ms`);
 *   throw err;
 * });
 * ```
 */
export class SemaphoreTimeoutError extends SemaphoreError {
  override readonly name = "SemaphoreTimeoutError" as const;
  override readonly code = "TIMEOUT" as const;
  readonly timeoutMs: number;
  readonly weight: number;

  constructor(timeoutMs: number, weight: number, options?: { cause?: unknown }) {
    super(`semaphore acquire of weight ${weight} timed out after ${timeoutMs} ms`, "TIMEOUT", options);
    this.timeoutMs = timeoutMs;
    this.weight = weight;
  }
}
