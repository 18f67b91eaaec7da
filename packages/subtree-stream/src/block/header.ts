import { MalformedDataError } from "../errors/malformed-data-error.ts";
import { HASH_BYTES, sha256d } from "../hash.ts";

/** Size of a block header. */
export const BLOCK_HEADER_BYTES = 80;

/** An 80-byte block header; hashes in internal order. */
export interface BlockHeader {
  version: number;
  prevHash: Uint8Array;
  merkleRoot: Uint8Array;
  /** Unix seconds. */
  timestamp: number;
  /** Compact target (the u32 LE field as a number, e.g. 0x1c6dd22a). */
  bits: number;
  nonce: number;
}

/**
 * Parses the header at `offset`.
 *
 * @example
 * toDisplayHex(parseBlockHeader(bytes).prevHash)
 */
export function parseBlockHeader(bytes: Uint8Array, offset = 0): BlockHeader {
  if (bytes.length - offset < BLOCK_HEADER_BYTES) {
    throw new MalformedDataError("BLOCK_TRUNCATED", "block header needs 80 bytes", offset);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, BLOCK_HEADER_BYTES);
  return {
    version: view.getUint32(0, true),
    prevHash: bytes.slice(offset + 4, offset + 36),
    merkleRoot: bytes.slice(offset + 36, offset + 68),
    timestamp: view.getUint32(68, true),
    bits: view.getUint32(72, true),
    nonce: view.getUint32(76, true),
  };
}

/**
 * The 80 bytes of a header.
 *
 * @example
 * serializeBlockHeader(parseBlockHeader(bytes)) // same 80 bytes
 */
export function serializeBlockHeader(header: BlockHeader): Uint8Array {
  const out = new Uint8Array(BLOCK_HEADER_BYTES);
  const view = new DataView(out.buffer);
  view.setUint32(0, header.version, true);
  out.set(header.prevHash, 4);
  out.set(header.merkleRoot, 36);
  view.setUint32(68, header.timestamp, true);
  view.setUint32(72, header.bits, true);
  view.setUint32(76, header.nonce, true);
  return out;
}

/**
 * Block hash (internal order): sha256d of the 80 header bytes.
 *
 * @example
 * toDisplayHex(blockHash(header)) // "0000000023ffe407…"
 */
export function blockHash(header: BlockHeader | Uint8Array): Uint8Array {
  const bytes = header instanceof Uint8Array ? header.subarray(0, BLOCK_HEADER_BYTES) : serializeBlockHeader(header);
  return sha256d(bytes);
}

/**
 * Target of compact `bits` (mantissa × 256^(exponent−3)); 0n for a negative or zero mantissa.
 *
 * @example
 * bitsToTarget(0x1d00ffff) // 0xffff0000…n
 */
export function bitsToTarget(bits: number): bigint {
  const exponent = bits >>> 24;
  const mantissa = bits & 0x007f_ffff;
  if (bits & 0x0080_0000 || mantissa === 0) return 0n;
  return exponent <= 3
    ? BigInt(mantissa) >> BigInt(8 * (3 - exponent))
    : BigInt(mantissa) << BigInt(8 * (exponent - 3));
}

/**
 * True when the header's hash, read as a little-endian number, is at most its bits target.
 *
 * @example
 * meetsTarget(parseBlockHeader(bytes)) // true for a mined block
 */
export function meetsTarget(header: BlockHeader | Uint8Array): boolean {
  const h = header instanceof Uint8Array ? parseBlockHeader(header) : header;
  const hash = blockHash(h);
  let value = 0n;
  for (let i = HASH_BYTES - 1; i >= 0; i--) value = (value << 8n) | BigInt(hash[i] as number);
  const target = bitsToTarget(h.bits);
  return target > 0n && value <= target;
}
