/**
 * Reader of Teranode's model block (spec §2.7): header 80 | varint txCount | varint sizeInBytes |
 * varint n | n×32 subtree hashes | coinbase tx (standard) | varint height | [varint len + BUMP].
 * Kept in the app so the routes need only offsets, not a full object model.
 */
export interface ModelBlock {
  header: Uint8Array;
  txCount: number;
  sizeInBytes: number;
  subtrees: Uint8Array[];
  coinbase: Uint8Array;
  height: number;
}

export function parseModelBlock(b: Uint8Array): ModelBlock {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = 0;
  const need = (n: number) => {
    if (at + n > b.length) throw new RangeError(`model block is truncated at byte ${at}`);
  };
  const varint = (): number => {
    need(1);
    const f = b[at++]!;
    if (f < 0xfd) return f;
    const n = f === 0xfd ? 2 : f === 0xfe ? 4 : 8;
    need(n);
    const x = n === 2 ? v.getUint16(at, true) : n === 4 ? v.getUint32(at, true) : Number(v.getBigUint64(at, true));
    at += n;
    return x;
  };
  need(80);
  const header = b.subarray(0, 80);
  at = 80;
  const txCount = varint();
  const sizeInBytes = varint();
  const n = varint();
  const subtrees: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    need(32);
    subtrees.push(b.slice(at, at + 32));
    at += 32;
  }
  const cbStart = at;
  need(4);
  at += 4;
  for (let i = 0, nIn = varint(); i < nIn; i++) {
    need(36);
    at += 36;
    const len = varint();
    need(len + 4);
    at += len + 4;
  }
  for (let i = 0, nOut = varint(); i < nOut; i++) {
    need(8);
    at += 8;
    const len = varint();
    need(len);
    at += len;
  }
  need(4);
  at += 4;
  const coinbase = b.subarray(cbStart, at);
  const height = at < b.length ? varint() : 0;
  return { header, txCount, sizeInBytes, subtrees, coinbase, height };
}

/** Bitcoin varint (CompactSize) bytes of `n`. */
export function varintBytes(n: number): Uint8Array {
  if (n < 0xfd) return Uint8Array.of(n);
  if (n <= 0xffff) return Uint8Array.of(0xfd, n & 0xff, n >>> 8);
  if (n <= 0xffffffff) {
    const o = new Uint8Array(5);
    o[0] = 0xfe;
    new DataView(o.buffer).setUint32(1, n, true);
    return o;
  }
  const o = new Uint8Array(9);
  o[0] = 0xff;
  new DataView(o.buffer).setBigUint64(1, BigInt(n), true);
  return o;
}
