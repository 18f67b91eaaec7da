import { assertHash } from "../hash.ts";

/**
 * Sequential access to node hashes given as one array or as an async iterable of arrays (for
 * 1M-node subtrees streamed from `readSubtreeNodes`). `at(i)` is synchronous while `i` is in the
 * current chunk; `load(i)` pulls chunks until it is (indices only move forward).
 */
export class NodeCursor {
  private chunk: readonly Uint8Array[] = [];
  private start = 0;
  private readonly iterator: AsyncIterator<readonly Uint8Array[]> | Iterator<readonly Uint8Array[]> | undefined;
  private done = false;

  constructor(nodes: readonly Uint8Array[] | AsyncIterable<readonly Uint8Array[]>) {
    if (Array.isArray(nodes)) {
      this.chunk = nodes;
      this.done = true;
    } else {
      this.iterator = (nodes as AsyncIterable<readonly Uint8Array[]>)[Symbol.asyncIterator]();
    }
  }

  /** Node `i` if it is in the current chunk. */
  at(i: number): Uint8Array | undefined {
    return this.chunk[i - this.start];
  }

  /** Loads chunks until node `i` is available; false when the nodes end before it. */
  async load(i: number): Promise<boolean> {
    while (i - this.start >= this.chunk.length) {
      if (this.done || !this.iterator) return false;
      const r = await this.iterator.next();
      if (r.done) {
        this.done = true;
        return false;
      }
      this.start += this.chunk.length;
      this.chunk = r.value;
      for (const h of r.value) assertHash(h, "node");
    }
    return true;
  }

  /** Nodes known so far (the total once `load` returned false). */
  get known(): number {
    return this.start + this.chunk.length;
  }

  /** Stops a streamed node source early. */
  async close(): Promise<void> {
    if (!this.done) await this.iterator?.return?.();
  }
}
