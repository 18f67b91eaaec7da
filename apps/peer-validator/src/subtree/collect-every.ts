/**
 * Requests a garbage collection each time `every` more units (bytes, nodes) have passed. Bun
 * collects on event-loop turns and on heap growth, but a loop of resolved promises gives it no
 * turn and buffers outside the heap hardly count: on a 1M-tx subtree the validator's garbage
 * piled up to ~100 MiB between its own collections. `full` collects at once (~16 ms each here,
 * measured); otherwise it is a hint that does not block and, on a busy machine, comes late.
 *
 * @example
 * const collect = new CollectEvery(32 << 20, { full: true });
 * for await (const chunk of body) { use(chunk); collect.add(chunk.length); }
 */
export class CollectEvery {
  readonly every: number;
  readonly full: boolean;
  #left: number;
  /** Collections requested so far (tests count them). */
  requested = 0;

  constructor(every: number, { full = false }: { full?: boolean } = {}) {
    if (!(every > 0)) throw new RangeError(`CollectEvery: every must be > 0, got ${every}`);
    this.every = every;
    this.full = full;
    this.#left = every;
  }

  /** Counts `n` more units; requests a collection when `every` have passed since the last. */
  add(n: number): void {
    this.#left -= n;
    if (this.#left > 0) return;
    this.#left = this.every;
    this.requested++;
    Bun.gc(this.full);
  }
}
