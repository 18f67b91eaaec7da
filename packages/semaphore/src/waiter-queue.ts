import type { Permit } from "./permit.ts";

/**
 * One blocked `acquire()`. A class so every waiter has the same shape; the abort/timeout fields
 * are set only when used, keeping the common waiter (no signal, no timeout) small — under a
 * storm, hundreds of thousands of these are alive at once.
 */
export class Waiter {
  prev: Waiter | undefined = undefined;
  next: Waiter | undefined = undefined;
  /** Set while the abort signal or timer may still fire; undefined for a plain waiter. */
  cancel: WaiterCancel | undefined = undefined;

  resolve: (permit: Permit) => void = noop;
  reject: (reason: unknown) => void = noop;

  constructor(readonly weight: number) {}
}

function noop(): void {}

/**
 * Builds the promise a waiter settles. The executor is one module-level function fed through a
 * slot instead of a fresh closure per waiter: the executor runs synchronously inside
 * `new Promise`, so the slot cannot be observed by anyone else, and a queue of 100k waiters
 * saves 100k closures.
 */
let filling: Waiter | undefined;
function executor(resolve: (permit: Permit) => void, reject: (reason: unknown) => void): void {
  filling!.resolve = resolve;
  filling!.reject = reject;
}
export function waiterPromise(w: Waiter): Promise<Permit> {
  filling = w;
  const promise = new Promise<Permit>(executor);
  filling = undefined;
  return promise;
}

/** What to undo when a waiter leaves the queue: its timer and abort listener. */
export interface WaiterCancel {
  timer: ReturnType<typeof setTimeout> | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * FIFO of waiters as a doubly linked list: O(1) push, O(1) pop of the head and — the reason it is
 * not an array — O(1) removal from the middle when a waiter aborts or times out, so a storm of
 * cancellations never costs O(n²) and a cancelled waiter leaves the queue (and memory) at once.
 */
export class WaiterQueue {
  head: Waiter | undefined = undefined;
  #tail: Waiter | undefined = undefined;
  /** Number of queued waiters. */
  length = 0;
  /** Sum of the queued waiters' weights. */
  weight = 0;

  /** True while `w` is still queued (neither granted nor cancelled). */
  has(w: Waiter): boolean {
    return w.prev !== undefined || this.head === w;
  }

  push(w: Waiter): void {
    w.prev = this.#tail;
    if (this.#tail === undefined) this.head = w;
    else this.#tail.next = w;
    this.#tail = w;
    this.length++;
    this.weight += w.weight;
  }

  remove(w: Waiter): void {
    if (w.prev === undefined) this.head = w.next;
    else w.prev.next = w.next;
    if (w.next === undefined) this.#tail = w.prev;
    else w.next.prev = w.prev;
    w.prev = w.next = undefined;
    this.length--;
    this.weight -= w.weight;
  }
}
