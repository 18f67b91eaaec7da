import { StreamSource } from "./stream-source.ts";

/**
 * Exact-size reads over a chunked stream, for record formats (subtree nodes, block headers):
 * `read(n)` returns up to `n` bytes, fewer only at the end of the stream.
 */
export class ByteReader {
  private chunk: Uint8Array = new Uint8Array(0);
  private pos = 0;
  /** Bytes returned so far (the stream offset of the next byte). */
  offset = 0;
  readonly source: StreamSource;

  constructor(stream: ReadableStream<Uint8Array>, signal?: AbortSignal) {
    this.source = new StreamSource(stream, signal);
  }

  /** Up to `n` bytes in a new array; shorter only at the end. */
  async read(n: number): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      if (this.pos === this.chunk.length) {
        const next = await this.source.read();
        if (!next) break;
        this.chunk = next;
        this.pos = 0;
        continue;
      }
      const take = Math.min(n - at, this.chunk.length - this.pos);
      out.set(this.chunk.subarray(this.pos, this.pos + take), at);
      this.pos += take;
      at += take;
    }
    this.offset += at;
    return at === n ? out : out.subarray(0, at);
  }

  /** Bytes already pulled from the stream but not yet read. */
  takeBuffered(): Uint8Array {
    const rest = this.chunk.subarray(this.pos);
    this.chunk = new Uint8Array(0);
    this.pos = 0;
    return rest;
  }
}
