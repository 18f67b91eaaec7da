/** Bytes handed to the HTTP body at a time: big enough that one await covers ~250 txs. */
export const BATCH_BYTES = 64 * 1024;

/**
 * Lockstep hand-off from the build (writer side) to one HTTP body (reader side).
 *
 * The writer copies tx bytes into a batch; a full batch waits in a single slot until the body
 * pulls it, and a writer that finds the slot taken awaits the pull. So at most two batches live
 * here whatever the client's speed, and a slow client slows the build instead of growing memory
 * (ENGINEERING.md: never `ReadableStream.tee`). `detach()` (client gone) turns writes into no-ops,
 * so followers can keep the build going.
 */
export class BodyChannel {
  #fill = new Uint8Array(BATCH_BYTES);
  #len = 0;
  #slot: Uint8Array | undefined;
  #ended = false;
  #error: unknown;
  #failed = false;
  #detached = false;
  #wakeReader: (() => void) | undefined;
  #wakeWriter: (() => void) | undefined;
  /** Batches handed to the reader (tests count them). */
  batches = 0;

  get detached(): boolean {
    return this.#detached;
  }

  write(bytes: Uint8Array): void | Promise<void> {
    if (this.#detached) return;
    if (this.#len + bytes.length < BATCH_BYTES) {
      this.#fill.set(bytes, this.#len);
      this.#len += bytes.length;
      return;
    }
    return this.#writeSlow(bytes);
  }

  async #writeSlow(bytes: Uint8Array): Promise<void> {
    let at = 0;
    while (at < bytes.length && !this.#detached) {
      const n = Math.min(BATCH_BYTES - this.#len, bytes.length - at);
      this.#fill.set(bytes.subarray(at, at + n), this.#len);
      this.#len += n;
      at += n;
      if (this.#len === BATCH_BYTES) await this.#handOff();
    }
  }

  async #handOff(): Promise<void> {
    while (this.#slot !== undefined && !this.#detached) {
      await new Promise<void>((resolve) => {
        this.#wakeWriter = resolve;
      });
    }
    if (this.#detached) return;
    this.#slot = this.#fill.subarray(0, this.#len);
    this.#fill = new Uint8Array(BATCH_BYTES);
    this.#len = 0;
    this.#wake();
  }

  /** The build succeeded: flush the partial batch; the reader sees a clean end after it. */
  async end(): Promise<void> {
    if (this.#len > 0) await this.#handOff();
    this.#ended = true;
    this.#wake();
  }

  /** The build failed: the reader's next `next()` throws `error` (the body then aborts). */
  fail(error: unknown): void {
    this.#failed = true;
    this.#error = error;
    this.#wake();
  }

  /** The client left: drop buffered bytes and never block the writer again. */
  detach(): void {
    this.#detached = true;
    this.#slot = undefined;
    this.#wakeWriter?.();
  }

  /** Next batch, `null` after a clean end; throws the build's error after a failure. */
  async next(): Promise<Uint8Array | null> {
    for (;;) {
      if (this.#failed) throw this.#error;
      const slot = this.#slot;
      if (slot !== undefined) {
        this.#slot = undefined;
        this.batches++;
        const w = this.#wakeWriter;
        this.#wakeWriter = undefined;
        w?.();
        return slot;
      }
      if (this.#ended) return null;
      await new Promise<void>((resolve) => {
        this.#wakeReader = resolve;
      });
    }
  }

  #wake(): void {
    const r = this.#wakeReader;
    this.#wakeReader = undefined;
    r?.();
  }
}
