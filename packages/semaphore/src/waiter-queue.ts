import type { Permit } from "./permit.ts";

/** One blocked `acquire()`. A class (not object literals) so every waiter has the same shape. */
export class Waiter {
  prev: Waiter | undefined = undefined;
  next: Waiter | undefined = undefined;
  /** Cleared on the way out, so a late timer or abort finds nothing to do. */
  queued = true;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  signal: AbortSignal | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;

  constructor(
    readonly weight: number,
    readonly resolve: (permit: Permit) => void,
    readonly reject: (reason: unknown) => void,
  ) {}
}

/**
 * FIFO of waiters as a doubly linked list: O(1) push, O(1) pop of the head and — the reason it is
 * not an array — O(1) removal from the middle when a waiter aborts or times out, so a storm of
 * cancellations never costs O(n²) and a cancelled waiter leaves the queue at once.
 */
export class WaiterQueue {
  head: Waiter | undefined = undefined;
  #tail: Waiter | undefined = undefined;
  /** Number of queued waiters. */
  length = 0;
  /** Sum of the queued waiters' weights. */
  weight = 0;

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
    w.queued = false;
    this.length--;
    this.weight -= w.weight;
  }
}
