/**
 * Finds the end of one transaction (standard or BIP-239 Extended Format) in a byte buffer without
 * copying it, and records what is needed to rebuild its standard form (for the txid) and its fee.
 *
 * Streaming callers keep bytes that are not yet a whole tx: when the buffer ends inside a tx,
 * `scanTx` returns `-needed` (the buffer length that would let it get further), so the caller
 * waits for at least that much before scanning again instead of re-scanning on every byte of a
 * slow-drip body.
 */
export interface TxScan {
  /** Offset just past the tx. */
  end: number;
  extended: boolean;
  coinbase: boolean;
  /** Size of the standard form in bytes. */
  size: number;
  /** Σ prev satoshis − Σ outputs when extended, else undefined (unknowable from the tx alone). */
  fee: number | undefined;
  /** Standard-form pieces of an extended tx: [start, end) pairs, absolute offsets. */
  segments: number[];
}

/** Thrown by `scanTx` for bytes that cannot be a tx. */
export class TxFormatError extends Error {
  override name = "TxFormatError" as const;
  /** Stream (or buffer) offset of the tx's first byte. */
  readonly offset: number;
  /** `truncated`: the bytes ended inside the tx; `malformed`: they cannot be a tx. */
  readonly kind: "malformed" | "truncated";
  constructor(message: string, offset: number, kind: "malformed" | "truncated" = "malformed") {
    super(message);
    this.offset = offset;
    this.kind = kind;
  }
}

const U32 = 0x1_0000_0000;

export function newTxScan(): TxScan {
  return { end: 0, extended: false, coinbase: false, size: 0, fee: undefined, segments: [] };
}

// Module-level varint reader state: no closure is allocated per tx (this runs once per tx of a
// million-tx stream, where per-call allocations showed up as a third of the scan time).
let vv = 0; // value of the last varint read
let vp = 0; // position after it, or -1 when the buffer ended inside it

function readVarint(buf: Uint8Array, p: number, limit: number): void {
  if (p >= limit) {
    vp = -1;
    return;
  }
  const b = buf[p]!;
  if (b < 0xfd) {
    vv = b;
    vp = p + 1;
    return;
  }
  const len = b === 0xfd ? 2 : b === 0xfe ? 4 : 8;
  if (p + 1 + len > limit) {
    vp = -1;
    return;
  }
  if (len === 2) vv = buf[p + 1]! | (buf[p + 2]! << 8);
  else if (len === 4) vv = (buf[p + 1]! | (buf[p + 2]! << 8) | (buf[p + 3]! << 16) | (buf[p + 4]! << 24)) >>> 0;
  else vv = u32(buf, p + 5) * U32 + u32(buf, p + 1);
  vp = p + 1 + len;
}

function u32(buf: Uint8Array, at: number): number {
  return (buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16) | (buf[at + 3]! << 24)) >>> 0;
}

/**
 * Scans the tx starting at `start` in `buf[..limit)`. Returns the end offset, or a negative number
 * `-n` meaning "need buf[..n) at least". Fills `out`. `maxTxBytes` bounds any single length field.
 */
export function scanTx(buf: Uint8Array, start: number, limit: number, maxTxBytes: number, out: TxScan): number {
  let p = start;
  if (p + 10 > limit) return -(p + 10);
  p += 4; // version
  // EF marker: 00 00 00 00 00 EF after the version (BIP-239)
  const extended =
    buf[p] === 0 && buf[p + 1] === 0 && buf[p + 2] === 0 && buf[p + 3] === 0 && buf[p + 4] === 0 && buf[p + 5] === 0xef;
  const segs = out.segments;
  if (extended) {
    segs.length = 0;
    segs.push(start, start + 4);
    p += 6;
  }
  let segStart = p;
  readVarint(buf, p, limit);
  if (vp < 0) return -(p + 9);
  p = vp;
  const nIn = vv;
  if (nIn === 0) throw new TxFormatError("tx has no inputs", start);
  if (nIn > maxTxBytes / 41) throw new TxFormatError(`input count ${nIn} too large`, start);
  let inSats = 0;
  let coinbase = false;
  for (let i = 0; i < nIn; i++) {
    if (p + 37 > limit) return -(p + 37);
    const prev = p;
    p += 36;
    readVarint(buf, p, limit);
    if (vp < 0) return -(p + 9);
    if (vv > maxTxBytes) throw new TxFormatError(`script length ${vv} above max_tx_bytes`, start);
    p = vp + vv + 4; // script, sequence
    if (p > limit) return -p;
    if (nIn === 1) coinbase = isNullOutpoint(buf, prev, p - 4);
    if (extended) {
      segs.push(segStart, p);
      if (p + 9 > limit) return -(p + 9);
      inSats += u32(buf, p + 4) * U32 + u32(buf, p);
      p += 8;
      readVarint(buf, p, limit);
      if (vp < 0) return -(p + 9);
      if (vv > maxTxBytes) throw new TxFormatError(`locking script length ${vv} above max_tx_bytes`, start);
      p = vp + vv;
      if (p > limit) return -p;
      segStart = p;
    }
  }
  readVarint(buf, p, limit);
  if (vp < 0) return -(p + 9);
  p = vp;
  const nOut = vv;
  if (nOut > maxTxBytes / 9) throw new TxFormatError(`output count ${nOut} too large`, start);
  let outSats = 0;
  for (let i = 0; i < nOut; i++) {
    if (p + 9 > limit) return -(p + 9);
    if (extended) outSats += u32(buf, p + 4) * U32 + u32(buf, p);
    p += 8;
    readVarint(buf, p, limit);
    if (vp < 0) return -(p + 9);
    if (vv > maxTxBytes) throw new TxFormatError(`output script length ${vv} above max_tx_bytes`, start);
    p = vp + vv;
    if (p > limit) return -(p + 1);
  }
  p += 4; // lock time
  if (p > limit) return -p;
  if (p - start > maxTxBytes) throw new TxFormatError(`tx of ${p - start} bytes above max_tx_bytes`, start);
  out.end = p;
  out.extended = extended;
  out.coinbase = coinbase;
  if (extended) {
    segs.push(segStart, p);
    out.fee = inSats - outSats;
    let size = 0;
    for (let k = 0; k < segs.length; k += 2) size += segs[k + 1]! - segs[k]!;
    out.size = size;
  } else {
    out.fee = undefined;
    out.size = p - start;
  }
  return p;
}

// Bitcoin's coinbase test: null prev txid and (prev index or sequence) all ones.
function isNullOutpoint(buf: Uint8Array, prev: number, seqAt: number): boolean {
  for (let k = 0; k < 32; k++) if (buf[prev + k] !== 0) return false;
  const idxOnes =
    buf[prev + 32] === 0xff && buf[prev + 33] === 0xff && buf[prev + 34] === 0xff && buf[prev + 35] === 0xff;
  const seqOnes = buf[seqAt] === 0xff && buf[seqAt + 1] === 0xff && buf[seqAt + 2] === 0xff && buf[seqAt + 3] === 0xff;
  return idxOnes || seqOnes;
}

/** The standard serialization of the tx just scanned (a view when it already is standard). */
export function standardBytes(buf: Uint8Array, start: number, scan: TxScan): Uint8Array {
  if (!scan.extended) return buf.subarray(start, scan.end);
  const outBytes = new Uint8Array(scan.size);
  let o = 0;
  const segs = scan.segments;
  for (let k = 0; k < segs.length; k += 2) {
    outBytes.set(buf.subarray(segs[k]!, segs[k + 1]!), o);
    o += segs[k + 1]! - segs[k]!;
  }
  return outBytes;
}
