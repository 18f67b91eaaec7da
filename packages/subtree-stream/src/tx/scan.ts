import { MalformedTxError } from "../errors/malformed-tx-error.ts";
import type { TxLayout } from "./layout.ts";

/** Returned by `scanTx` when the buffer ends before the tx does. */
export const SCAN_MORE = -1;

// Smallest encodings: an input is prevTxid 32 + vout 4 + varint 1 + sequence 4; an output 8 + 1.
const MIN_INPUT = 41;
const MIN_OUTPUT = 9;
const MIN_TX = 10;

// Set by `varintAt`; module state keeps the hot path free of result objects.
let varEnd = 0;

/** Value of the varint at `p`, -1 when it runs past `limit`; sets `varEnd`. Throws above 2^53. */
function varintAt(buf: Uint8Array, p: number, limit: number, base: number): number {
  if (p >= limit) return -1;
  const b = buf[p] as number;
  if (b < 0xfd) {
    varEnd = p + 1;
    return b;
  }
  if (b === 0xfd) {
    if (p + 3 > limit) return -1;
    varEnd = p + 3;
    return (buf[p + 1] as number) | ((buf[p + 2] as number) << 8);
  }
  if (b === 0xfe) {
    if (p + 5 > limit) return -1;
    varEnd = p + 5;
    return u32(buf, p + 1);
  }
  if (p + 9 > limit) return -1;
  const hi = u32(buf, p + 5);
  if (hi > 0x1f_ffff) throw new MalformedTxError("TX_BAD_VARINT", "varint above 2^53-1", base + p);
  varEnd = p + 9;
  return hi * 0x1_0000_0000 + u32(buf, p + 1);
}

/** Little-endian u32 at `p` (caller checked bounds). */
export function u32(buf: Uint8Array, p: number): number {
  return (
    ((buf[p] as number) | ((buf[p + 1] as number) << 8) | ((buf[p + 2] as number) << 16)) +
    (buf[p + 3] as number) * 0x100_0000
  );
}

/**
 * Scans one standard or EF transaction starting at `start` in `buf[..limit)` and fills `layout`.
 * Returns the end offset, or `SCAN_MORE` (with `layout.need` set) when `limit` comes first.
 *
 * Never allocates by a declared count: counts and lengths are checked against `maxTxBytes` (and,
 * when `final`, against the bytes that exist) and throw `MalformedTxError` with the absolute
 * offset `base + p` before any byte is awaited. EF is detected as go-bt does: after the version,
 * the bytes `00 00 00 00 00 EF`.
 *
 * @example
 * const layout = new TxLayout();
 * const end = scanTx(bytes, 0, bytes.length, DEFAULT_MAX_TX_BYTES, layout, 0, true);
 */
export function scanTx(
  buf: Uint8Array,
  start: number,
  limit: number,
  maxTxBytes: number,
  layout: TxLayout,
  base: number,
  final: boolean,
  index?: number,
): number {
  const maxEnd = start + maxTxBytes;
  // Counts are impossible when they exceed what could still follow.
  const room = final ? Math.min(maxEnd, limit) : maxEnd;
  layout.start = start;
  layout.cutCount = 0;
  if (limit - start < MIN_TX) return more(layout, start + MIN_TX);
  let p = start + 4;
  const extended =
    buf[p] === 0 && buf[p + 1] === 0 && buf[p + 2] === 0 && buf[p + 3] === 0 && buf[p + 4] === 0 && buf[p + 5] === 0xef;
  layout.extended = extended;
  const cuts = layout.cuts;
  let cutCount = 0;
  if (extended) {
    cuts[0] = p;
    cuts[1] = p + 6;
    cutCount = 2;
    p += 6;
  }
  const nIn = varintAt(buf, p, limit, base);
  if (nIn < 0) return more(layout, p + 1);
  p = varEnd;
  if (p + nIn * MIN_INPUT > room) throw impossible("input", nIn, p, base, index);
  layout.inputCount = nIn;
  layout.firstInput = p;
  for (let i = 0; i < nIn; i++) {
    p += 36;
    // One-byte script length (nearly every script): inline, no varint call.
    const len = p < limit ? (buf[p] as number) : 0xff;
    if (len < 0xfd) p += 1 + len + 4;
    else {
      const scriptLen = varintAt(buf, p, limit, base);
      if (scriptLen < 0) return more(layout, p + 1, maxEnd, base, index, start);
      p = varEnd + scriptLen + 4;
    }
    if (p > maxEnd) throw tooLarge(start, maxTxBytes, base, index);
    if (extended) {
      const from = p;
      p += 8;
      const lockLen = varintAt(buf, p, limit, base);
      if (lockLen < 0) return more(layout, p + 1, maxEnd, base, index, start);
      p = varEnd + lockLen;
      if (p > maxEnd) throw tooLarge(start, maxTxBytes, base, index);
      cuts[cutCount++] = from;
      cuts[cutCount++] = p;
    }
  }
  layout.outputsAt = p;
  const nOut = varintAt(buf, p, limit, base);
  if (nOut < 0) return more(layout, p + 1, maxEnd, base, index, start);
  p = varEnd;
  if (p + nOut * MIN_OUTPUT > room) throw impossible("output", nOut, p, base, index);
  layout.outputCount = nOut;
  for (let i = 0; i < nOut; i++) {
    p += 8;
    const len = p < limit ? (buf[p] as number) : 0xff;
    if (len < 0xfd) p += 1 + len;
    else {
      const scriptLen = varintAt(buf, p, limit, base);
      if (scriptLen < 0) return more(layout, p + 1, maxEnd, base, index, start);
      p = varEnd + scriptLen;
    }
    if (p > maxEnd) throw tooLarge(start, maxTxBytes, base, index);
  }
  p += 4;
  if (p > maxEnd) throw tooLarge(start, maxTxBytes, base, index);
  layout.cutCount = cutCount;
  if (p > limit) return more(layout, p);
  layout.end = p;
  return p;
}

function more(layout: TxLayout, need: number, maxEnd = Infinity, base = 0, index?: number, start = 0): number {
  if (need > maxEnd) throw tooLarge(start, maxEnd - start, base, index);
  layout.need = need;
  return SCAN_MORE;
}

function tooLarge(start: number, max: number, base: number, index?: number): MalformedTxError {
  return new MalformedTxError("TX_TOO_LARGE", `transaction larger than maxTxBytes (${max})`, base + start, index);
}

function impossible(what: string, count: number, p: number, base: number, index?: number): MalformedTxError {
  return new MalformedTxError("TX_BAD_COUNT", `impossible ${what} count ${count}`, base + p, index);
}
