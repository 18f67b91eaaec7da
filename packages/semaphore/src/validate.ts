/** Capacity must be a positive integer, or `Infinity` for "no limit" (settings map 0 to it). */
export function assertCapacity(capacity: number): void {
  if (capacity === Number.POSITIVE_INFINITY) return;
  if (!Number.isSafeInteger(capacity) || capacity <= 0) {
    throw new RangeError(`semaphore capacity must be a positive integer or Infinity, got ${String(capacity)}`);
  }
}

/** A weight is a positive safe integer; fractions would make `inUse` drift by rounding. */
export function isWeight(weight: number): boolean {
  return Number.isSafeInteger(weight) && weight > 0;
}

export function weightError(weight: unknown): RangeError {
  return new RangeError(`semaphore weight must be a positive integer, got ${String(weight)}`);
}

/** `timeoutMs` is a number ≥ 0 (or `Infinity`); NaN and negatives are caller bugs. */
export function timeoutError(timeoutMs: unknown): RangeError {
  return new RangeError(`semaphore timeoutMs must be a number >= 0, got ${String(timeoutMs)}`);
}
