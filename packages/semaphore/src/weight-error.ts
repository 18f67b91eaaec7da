import { SemaphoreError } from "./semaphore-error.ts";

/**
 * `acquire()` asked for more than the whole capacity. It could never succeed, so it is rejected at
 * once instead of waiting forever (and blocking everyone queued behind it, since the queue is FIFO).
 *
 * @example
 * ```ts
 * const sem = new Semaphore(4);
 * await sem.acquire(5).catch((err) => console.log(err instanceof SemaphoreWeightError)); // true
 * ```
 */
export class SemaphoreWeightError extends SemaphoreError {
  override readonly name = "SemaphoreWeightError" as const;
  override readonly code = "WEIGHT_EXCEEDS_CAPACITY" as const;
  readonly weight: number;
  readonly capacity: number;

  constructor(weight: number, capacity: number, options?: { cause?: unknown }) {
    super(`semaphore weight ${weight} exceeds its capacity ${capacity}`, "WEIGHT_EXCEEDS_CAPACITY", options);
    this.weight = weight;
    this.capacity = capacity;
  }
}
