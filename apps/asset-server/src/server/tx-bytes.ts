/**
 * Tx framing for the legacy block stream: where a tx (standard or EF) ends in a buffer, its
 * standard form, and the coinbase test. The legacy route needs only these three facts per tx.
 */
const EF = [0, 0, 0, 0, 0, 0xef];

function varintAt(b: Uint8Array, at: number): [value: number, size: number] | undefined {
  if (at >= b.length) return undefined;
  const f = b[at]!;
  if (f < 0xfd) return [f, 1];
  const n = f === 0xfd ? 2 : f === 0xfe ? 4 : 8;
  if (at + 1 + n > b.length) return undefined;
  const v = new DataView(b.buffer, b.byteOffset + at + 1, n);
  const x = n === 2 ? v.getUint16(0, true) : n === 4 ? v.getUint32(0, true) : Number(v.getBigUint64(0, true));
  return [x, 1 + n];
}

/**
 * End offset of the tx starting at `start`, or -1 if `b` ends inside it; `cuts` receives the EF
 * ranges to drop for the standard form. Throws on a tx larger than `max`.
 */
export function txEnd(b: Uint8Array, start: number, max: number, cuts?: number[]): number {
  let at = start + 4;
  const extended = at + 6 <= b.length && EF.every((x, i) => b[at + i] === x);
  if (extended) {
    cuts?.push(at, at + 6);
    at += 6;
  }
  const step = (n: number) => {
    at += n;
    if (at - start > max) throw new RangeError(`tx at ${start} exceeds ${max} bytes`);
    return at <= b.length;
  };
  const vi = () => {
    const r = varintAt(b, at);
    if (!r) return undefined;
    at += r[1];
    return r[0];
  };
  const nIn = vi();
  if (nIn === undefined) return -1;
  for (let i = 0; i < nIn; i++) {
    if (!step(36)) return -1;
    const len = vi();
    if (len === undefined || !step(len + 4)) return -1;
    if (extended) {
      const from = at;
      if (!step(8)) return -1;
      const pl = vi();
      if (pl === undefined || !step(pl)) return -1;
      cuts?.push(from, at);
    }
  }
  const nOut = vi();
  if (nOut === undefined) return -1;
  for (let i = 0; i < nOut; i++) {
    if (!step(8)) return -1;
    const len = vi();
    if (len === undefined || !step(len)) return -1;
  }
  return step(4) ? at : -1;
}

/** Standard bytes of the tx in `b[start, end)` given its EF `cuts` (a view when already standard). */
export function standardOf(b: Uint8Array, start: number, end: number, cuts: number[]): Uint8Array {
  if (cuts.length === 0) return b.subarray(start, end);
  const parts: Uint8Array[] = [];
  let from = start;
  for (let i = 0; i < cuts.length; i += 2) {
    parts.push(b.subarray(from, cuts[i]));
    from = cuts[i + 1]!;
  }
  parts.push(b.subarray(from, end));
  return Buffer.concat(parts);
}

/** Coinbase: one input whose outpoint is 32 zero bytes and index 0xFFFFFFFF (standard form). */
export function isCoinbaseTx(std: Uint8Array): boolean {
  if (std.length < 41 || std[4] !== 1) return false;
  for (let i = 5; i < 37; i++) if (std[i] !== 0) return false;
  return std[37] === 0xff && std[38] === 0xff && std[39] === 0xff && std[40] === 0xff;
}
