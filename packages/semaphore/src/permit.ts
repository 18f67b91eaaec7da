import { disposeSymbol } from "./dispose-symbol.ts";

/** Gives `weight` back to the semaphore that issued a permit. One function per semaphore. */
export type ReleaseFn = (weight: number) => void;

/**
 * Proof of holding `weight` units of a {@link Semaphore}. Give it back with `release()` or let a
 * `using` declaration do it. Releasing twice is a no-op: the permit forgets its semaphore on the
 * first call, so a double release (e.g. `finally` plus an error handler) can never free units
 * somebody else holds — the over-release that Go's semaphore panics on cannot be expressed.
 *
 * @example
 * ```ts
 * const permit = await sem.acquire();
 * try {
 *   await work();
 * } finally {
 *   permit.release();
 * }
 * ```
 */
export class Permit implements Disposable {
  #release: ReleaseFn | undefined;
  /** Units this permit holds until released. */
  readonly weight: number;

  /** @internal Created by `Semaphore` only. */
  constructor(release: ReleaseFn, weight: number) {
    this.#release = release;
    this.weight = weight;
  }

  /** True once `release()` (or dispose) has run. */
  get released(): boolean {
    return this.#release === undefined;
  }

  /** Returns the units to the semaphore and wakes waiters that now fit. Idempotent. */
  release(): void {
    const release = this.#release;
    if (release === undefined) return;
    this.#release = undefined;
    release(this.weight);
  }

  /** Same as `release()`, so `using permit = sem.tryAcquire()` frees it at scope exit. */
  [disposeSymbol](): void {
    this.release();
  }
}
