import { Permit, type ReleaseFn } from "./permit.ts";
import { SemaphoreTimeoutError } from "./timeout-error.ts";
import { assertCapacity, isWeight, timeoutError, weightError } from "./validate.ts";
import { Waiter, type WaiterCancel, WaiterQueue, waiterPromise } from "./waiter-queue.ts";
import { SemaphoreWeightError } from "./weight-error.ts";

/** Options of {@link Semaphore.acquire}. */
export interface AcquireOptions {
  /** Stop waiting when this aborts; the promise rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Stop waiting after this many ms with a `SemaphoreTimeoutError`. `0` = only if free now. */
  timeoutMs?: number;
}

/** setTimeout overflows above 2^31−1 ms and fires at once; longer waits are treated as unbounded. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Weighted counting semaphore modelled on Go's `golang.org/x/sync/semaphore.Weighted`: FIFO
 * waiters, no barging past them, a cancelled head waiter wakes the next.
 *
 * @example
 * ```ts
 * const builds = new Semaphore(2);
 * using permit = builds.tryAcquire();
 * if (!permit) return new Response("busy", { status: 503, headers: { "Retry-After": "1" } });
 * return await build();
 * ```
 */
export class Semaphore {
  readonly #capacity: number;
  #inUse = 0;
  readonly #queue = new WaiterQueue();
  /** One closure shared by every permit, so a permit costs one small object. */
  readonly #release: ReleaseFn = (weight) => {
    this.#inUse -= weight;
    this.#grant();
  };

  /** @param capacity positive integer, or `Infinity` for no limit (metrics still count). */
  constructor(capacity: number) {
    assertCapacity(capacity);
    this.#capacity = capacity;
  }

  /** Total units. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Units held by unreleased permits (including ones granted to waiters not yet resumed). */
  get inUse(): number {
    return this.#inUse;
  }

  /** Units free right now; a waiter may still be queued if the head needs more than this. */
  get available(): number {
    return this.#capacity - this.#inUse;
  }

  /** Number of `acquire()` calls queued. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** Sum of the weights queued: the demand behind `waiting`. */
  get queuedWeight(): number {
    return this.#queue.weight;
  }

  /**
   * Takes `weight` units now or returns `undefined`; never waits. Also fails while anyone is
   * queued, even if the units are free: barging past waiters would starve heavy ones. Use it for
   * admission control — answer 503 at once instead of piling up work in memory.
   *
   * @throws RangeError if `weight` is not a positive integer.
   * @example
   * ```ts
   * using permit = sem.tryAcquire();
   * if (!permit) return busy();
   * ```
   */
  tryAcquire(weight = 1): Permit | undefined {
    if (!isWeight(weight)) throw weightError(weight);
    if (this.#queue.length !== 0 || this.#capacity - this.#inUse < weight) return undefined;
    this.#inUse += weight;
    return new Permit(this.#release, weight);
  }

  /**
   * Waits (FIFO) until `weight` units are free and returns a permit holding them.
   *
   * Rejects with `signal.reason` if the signal aborts first (even if the units are free — the
   * abort happened first, as in Go), with {@link SemaphoreTimeoutError} after `timeoutMs`, with
   * {@link SemaphoreWeightError} at once if `weight > capacity`, and with `RangeError` on a bad
   * `weight` or `timeoutMs`. A rejected waiter has left the queue, and anyone behind it who now
   * fits has been woken.
   *
   * @example
   * ```ts
   * const permit = await sem.acquire(1, { signal: request.signal, timeoutMs: 30_000 });
   * try { await serve(); } finally { permit.release(); }
   * ```
   */
  acquire(weight = 1, options?: AcquireOptions): Promise<Permit> {
    const signal = options?.signal;
    const timeoutMs = options?.timeoutMs;
    if (!isWeight(weight)) return Promise.reject(weightError(weight));
    if (timeoutMs !== undefined && !(timeoutMs >= 0)) return Promise.reject(timeoutError(timeoutMs));
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (weight > this.#capacity) return Promise.reject(new SemaphoreWeightError(weight, this.#capacity));
    if (this.#queue.length === 0 && this.#capacity - this.#inUse >= weight) {
      this.#inUse += weight;
      return Promise.resolve(new Permit(this.#release, weight));
    }
    if (timeoutMs === 0) return Promise.reject(new SemaphoreTimeoutError(0, weight));
    const waiter = new Waiter(weight);
    const promise = waiterPromise(waiter);
    this.#queue.push(waiter);
    const timed = timeoutMs !== undefined && timeoutMs <= MAX_TIMER_MS;
    if (signal === undefined && !timed) return promise;
    const cancel: WaiterCancel = (waiter.cancel = { timer: undefined, signal: undefined, onAbort: undefined });
    if (signal !== undefined) {
      const onAbort = () => this.#cancel(waiter, signal.reason);
      cancel.signal = signal;
      cancel.onAbort = onAbort;
      signal.addEventListener("abort", onAbort, { once: true });
      // Checked again after subscribing: an abort between the first check and here must not be lost.
      if (signal.aborted) this.#cancel(waiter, signal.reason);
    }
    if (timed && this.#queue.has(waiter)) {
      cancel.timer = setTimeout(() => this.#cancel(waiter, new SemaphoreTimeoutError(timeoutMs, weight)), timeoutMs);
    }
    return promise;
  }

  /** Hands free units to waiters in queue order, stopping at the first that does not fit (no starvation). */
  #grant(): void {
    const queue = this.#queue;
    let w = queue.head;
    while (w !== undefined && this.#capacity - this.#inUse >= w.weight) {
      this.#inUse += w.weight;
      queue.remove(w);
      if (w.cancel !== undefined) unsubscribe(w.cancel);
      w.resolve(new Permit(this.#release, w.weight));
      w = queue.head;
    }
  }

  #cancel(w: Waiter, reason: unknown): void {
    if (!this.#queue.has(w)) return;
    const wasHead = w === this.#queue.head;
    this.#queue.remove(w);
    if (w.cancel !== undefined) unsubscribe(w.cancel);
    w.reject(reason);
    // The head may have been the only thing blocking smaller waiters behind it.
    if (wasHead) this.#grant();
  }
}

function unsubscribe(c: WaiterCancel): void {
  if (c.timer !== undefined) clearTimeout(c.timer);
  if (c.onAbort !== undefined) c.signal?.removeEventListener("abort", c.onAbort);
  c.timer = c.onAbort = c.signal = undefined;
}
