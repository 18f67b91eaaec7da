import { TruncatedTxError } from "../errors/truncated-tx-error.ts";
import { sha256dInto } from "../hash.ts";
import { isCoinbaseAt } from "../tx/coinbase.ts";
import { TxLayout } from "../tx/layout.ts";
import { SCAN_MORE, scanTx } from "../tx/scan.ts";
import { copyStandard } from "../tx/standard.ts";

const EMPTY = new Uint8Array(0);
// Below this many buffered bytes an incomplete tx is simply rescanned on every chunk.
const RESCAN_FREELY = 64 * 1024;

/**
 * Splits a chunked byte stream into transactions with O(largest tx) buffering.
 *
 * Complete txs are scanned straight out of the incoming chunk; only a tx that straddles chunks is
 * copied into a growable buffer (compacted, never re-concatenated per chunk), and as soon as it
 * completes, scanning moves back onto the chunk. A tx cut by many small chunks is rescanned only
 * when its buffered part has doubled (or reached the field the last scan stopped at), so a
 * 100 MiB tx in 64 KiB chunks costs O(size), not O(size²).
 *
 * Use: `push(chunk)`, then `next()` until false; at the end `end()` and `next()` until false.
 */
export class TxSplitter {
  readonly layout = new TxLayout();
  /** Stream offset of the current tx. */
  txOffset = 0;
  private data: Uint8Array = EMPTY;
  private pos = 0;
  private limit = 0;
  private base = 0; // stream offset of data[0]
  private buf = new Uint8Array(RESCAN_FREELY);
  private inBuf = false;
  private pending: Uint8Array | undefined; // chunk appended to buf, to resume on after the straddler
  private pendingAt = 0; // its offset inside buf
  private needRel = 0;
  private lastTried = 0;
  private eof = false;
  private readonly scratch = { std: new Uint8Array(1024) };
  private view: Uint8Array | undefined; // bytes() of the current tx, made once: hashed and handed out

  constructor(private readonly maxTxBytes: number) {}

  /** Adds the next chunk of the stream. Call only after `next()` returned false. */
  push(chunk: Uint8Array): void {
    const rest = this.limit - this.pos;
    if (rest === 0) {
      this.base += this.limit;
      this.data = chunk;
      this.pos = 0;
      this.limit = chunk.length;
      this.inBuf = false;
      this.pending = undefined;
      return;
    }
    // Keep the unfinished tx at buf[0..rest) and append the chunk behind it.
    const need = rest + chunk.length;
    if (need > this.buf.length) {
      const grown = new Uint8Array(Math.max(need, this.buf.length * 2));
      grown.set(this.data.subarray(this.pos, this.limit));
      this.buf = grown;
    } else if (this.inBuf) {
      this.buf.copyWithin(0, this.pos, this.limit);
    } else {
      this.buf.set(this.data.subarray(this.pos, this.limit));
    }
    this.buf.set(chunk, rest);
    this.base += this.pos;
    this.data = this.buf;
    this.inBuf = true;
    this.pos = 0;
    this.limit = need;
    this.pending = chunk;
    this.pendingAt = rest;
  }

  /** Marks the end of the stream: a remaining partial tx becomes a `TruncatedTxError`. */
  end(): void {
    this.eof = true;
  }

  /**
   * Scans the next complete tx; true when one is ready (see `bytes`, `extended`, `txidInto`).
   * Throws `MalformedTxError`, or `TruncatedTxError` after `end()`.
   */
  next(index?: number): boolean {
    if (this.inBuf && this.pending && this.pos >= this.pendingAt) {
      // The straddling tx is done: continue on the chunk itself.
      this.base += this.pendingAt;
      this.pos -= this.pendingAt;
      this.data = this.pending;
      this.limit = this.pending.length;
      this.inBuf = false;
      this.pending = undefined;
    }
    const avail = this.limit - this.pos;
    if (avail === 0) return false;
    if (!this.eof && (avail < this.needRel || (avail > RESCAN_FREELY && avail < 2 * this.lastTried))) return false;
    // Not `final` even at the end: a count the cut body cannot hold is a truncation, not malformed.
    const end = scanTx(this.data, this.pos, this.limit, this.maxTxBytes, this.layout, this.base, false, index);
    if (end === SCAN_MORE) {
      if (this.eof) throw new TruncatedTxError(this.base + this.pos, avail, index);
      this.needRel = this.layout.need - this.pos;
      this.lastTried = avail;
      return false;
    }
    this.txOffset = this.base + this.pos;
    this.view = undefined;
    this.pos = end;
    this.needRel = 0;
    this.lastTried = 0;
    return true;
  }

  /**
   * Bytes of the current tx as received. A tx inside one body chunk is a view of that chunk (the
   * stream handed the chunk over; this reader never writes to it), so no byte is copied twice; a
   * tx that straddled chunks is copied out of the reused buffer. Made once per tx: `txidInto`
   * hashes this same array, so a standard tx costs one view, not two.
   */
  bytes(): Uint8Array {
    if (this.view) return this.view;
    const { start, end } = this.layout;
    const d = this.data;
    // The constructor, not `subarray`: subarray looks up the species constructor on every call,
    // about twice the cost of the view itself (~30 ns of ~300 ns per 250-byte tx, hash included).
    this.view = this.inBuf ? d.slice(start, end) : new Uint8Array(d.buffer, d.byteOffset + start, end - start);
    return this.view;
  }

  /** Txid of the current tx (sha256d of its standard form) into `out`. */
  txidInto(out: Uint8Array): Uint8Array {
    const l = this.layout;
    if (!l.extended) return sha256dInto(this.bytes(), out);
    const size = l.standardSize();
    if (this.scratch.std.length < size) this.scratch.std = new Uint8Array(Math.max(size, this.scratch.std.length * 2));
    copyStandard(this.data, l.start, l.end, l.cuts, l.cutCount, this.scratch.std);
    return sha256dInto(this.scratch.std.subarray(0, size), out);
  }

  /** True when the current tx is a coinbase. */
  isCoinbase(): boolean {
    return isCoinbaseAt(this.data, this.layout.inputCount, this.layout.firstInput);
  }

  /** Stream offset just past the consumed txs. */
  get offset(): number {
    return this.base + this.pos;
  }
}
