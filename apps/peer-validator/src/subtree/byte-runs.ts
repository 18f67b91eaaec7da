/**
 * Joins byte views that lie back to back in one buffer into ranges, so a batch of verified txs
 * cut out of one body chunk is handed to the sink as one view of that chunk instead of a
 * concatenated copy (the copy cost a third of the verify+tee CPU in bench/validator-throughput).
 * A tx that straddled chunks is a copy of its own and starts a new range.
 *
 * @example
 * const runs = new ByteRuns();
 * for (const tx of batch) runs.add(tx.bytes);
 * for (let k = 0; k < runs.count; k++) await sink(runs.take(k));
 * runs.clear();
 */
export class ByteRuns {
  private readonly buffers: ArrayBufferLike[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  /** Ranges collected since `clear()`. */
  count = 0;

  /** Appends `bytes`, extending the last range when it continues it in the same buffer. */
  add(bytes: Uint8Array): void {
    const last = this.count - 1;
    if (last >= 0 && this.buffers[last] === bytes.buffer && this.ends[last] === bytes.byteOffset) {
      this.ends[last] = bytes.byteOffset + bytes.length;
      return;
    }
    this.buffers[this.count] = bytes.buffer;
    this.starts[this.count] = bytes.byteOffset;
    this.ends[this.count] = bytes.byteOffset + bytes.length;
    this.count++;
  }

  /** Range `k` as a view (no copy). */
  take(k: number): Uint8Array {
    const start = this.starts[k]!;
    return new Uint8Array(this.buffers[k]!, start, this.ends[k]! - start);
  }

  /** Forgets the ranges (drops the buffer references too). */
  clear(): void {
    this.buffers.fill(undefined as unknown as ArrayBufferLike, 0, this.count);
    this.count = 0;
  }
}
