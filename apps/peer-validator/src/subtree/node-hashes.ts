import { assertHash, HASH_BYTES } from "@subtreekit/subtree-stream";

/**
 * A subtree's node hashes in the one buffer they arrived in. An array of one view per node held
 * an object per node for the whole validation, and the GC let the heap grow
 * in proportion; views are made only for a bounded chunk at a time.
 *
 * @example
 * const nodes = new NodeHashes(body);
 * for (const chunk of nodes.chunks()) await txStore.has(chunk);
 */
export class NodeHashes {
  readonly bytes: Uint8Array;
  readonly length: number;
  constructor(bytes: Uint8Array) {
    if (bytes.length % HASH_BYTES !== 0) throw new RangeError("node hashes: not a whole number of 32-byte hashes");
    this.bytes = bytes;
    this.length = bytes.length / HASH_BYTES;
  }
  /** Node hashes given one by one (tests, small subtrees), copied into one buffer. */
  static of(nodes: readonly Uint8Array[]): NodeHashes {
    const bytes = new Uint8Array(nodes.length * HASH_BYTES);
    nodes.forEach((h, i) => {
      assertHash(h, `node ${i}`);
      bytes.set(h, i * HASH_BYTES);
    });
    return new NodeHashes(bytes);
  }
  /** Node `i` as a view (no copy). */
  at(i: number): Uint8Array {
    return this.bytes.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES);
  }
  /** Copies node `i` into `out` at `offset`, with no view made (a view per node is garbage per node). */
  copyTo(i: number, out: Uint8Array, offset: number): void {
    const b = this.bytes;
    for (let j = 0, at = i * HASH_BYTES; j < HASH_BYTES; j++) out[offset + j] = b[at + j]!;
  }
  /** Views of nodes `from`…end, `size` at a time: only the chunk being used is alive. */
  *chunks(from = 0, size = CHUNK): Generator<Uint8Array[]> {
    for (let i = from; i < this.length; i += size) {
      const end = Math.min(this.length, i + size);
      const chunk: Uint8Array[] = new Array(end - i);
      for (let k = i; k < end; k++) chunk[k - i] = this.at(k);
      yield chunk;
    }
  }
  /** Every node as its own view: for callers that need an array (one subtree at a time). */
  toArray(): Uint8Array[] {
    return Array.from({ length: this.length }, (_, i) => this.at(i));
  }
}

/** Views per chunk: large enough to amortise a store round trip, small next to any subtree. */
export const CHUNK = 8192;
