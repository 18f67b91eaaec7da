import { sha256dInto } from "./sha256d.ts";
import { newTxScan, scanTx, standardBytes, TxFormatError } from "./tx-scan.ts";

/** A Teranode model block (`GET /block/:hash` body). */
export interface ModelBlock {
  /** Block hash, internal order (sha256d of the header). */
  hash: Uint8Array;
  header: Uint8Array;
  prev: Uint8Array;
  merkleRoot: Uint8Array;
  txCount: number;
  sizeInBytes: number;
  /** Subtree hashes, internal order, block order. */
  subtrees: Uint8Array[];
  coinbaseTxid: Uint8Array;
  height: number;
}

/**
 * Parses `header(80) | varint txCount | varint sizeInBytes | varint nSubtrees | n×32 |
 * coinbase tx | varint height` (spec/teranode-peer.md §1). Throws TxFormatError on a short or
 * malformed body, and rejects an all-zero subtree hash as the reference does.
 */
export function parseModelBlock(bytes: Uint8Array, maxTxBytes = 32 * 1024 * 1024): ModelBlock {
  let p = 80;
  if (bytes.length < 80) throw new TxFormatError("block shorter than its 80-byte header", 0);
  const varint = (): number => {
    if (p >= bytes.length) throw new TxFormatError("block ends inside a varint", p);
    const b = bytes[p]!;
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const len = b < 0xfd ? 1 : b === 0xfd ? 3 : b === 0xfe ? 5 : 9;
    if (p + len > bytes.length) throw new TxFormatError("block ends inside a varint", p);
    const v =
      len === 1
        ? b
        : len === 3
          ? dv.getUint16(p + 1, true)
          : len === 5
            ? dv.getUint32(p + 1, true)
            : Number(dv.getBigUint64(p + 1, true));
    p += len;
    return v;
  };
  const header = bytes.slice(0, 80);
  const txCount = varint();
  const sizeInBytes = varint();
  const n = varint();
  if (p + n * 32 > bytes.length) throw new TxFormatError(`block lists ${n} subtrees but ends early`, p);
  const subtrees: Uint8Array[] = [];
  for (let i = 0; i < n; i++, p += 32) {
    const h = bytes.slice(p, p + 32);
    if (h.every((x) => x === 0)) throw new TxFormatError(`subtree ${i} of the block is the zero hash`, p);
    subtrees.push(h);
  }
  const scan = newTxScan();
  const end = scanTx(bytes, p, bytes.length, maxTxBytes, scan);
  if (end < 0) throw new TxFormatError("block ends inside its coinbase tx", p);
  const coinbaseTxid = sha256dInto(standardBytes(bytes, p, scan), new Uint8Array(32));
  p = end;
  const height = varint();
  if (p !== bytes.length) throw new TxFormatError(`${bytes.length - p} bytes after the block's height`, p);
  return {
    hash: sha256dInto(header, new Uint8Array(32)),
    header,
    prev: header.slice(4, 36),
    merkleRoot: header.slice(36, 68),
    txCount,
    sizeInBytes,
    subtrees,
    coinbaseTxid,
    height,
  };
}
