import { varintSize } from "../varint.ts";

/** Mainnet network magic the reference writes before a legacy block, whatever the network. */
export const WIRE_MAGIC: Uint8Array = Uint8Array.of(0xf9, 0xbe, 0xb4, 0xd9);

/**
 * The 8-byte `F9BEB4D9` + u32 LE size prefix of `/block_legacy` (without `?wire`) and
 * `/rest/block/<hash>.bin`, exactly as the reference computes it:
 * `size = sizeInBytes + 80 + varintSize(txCount)` (`GetLegacyBlock.go`, pinned by its test).
 * Since `sizeInBytes` already counts the header and tx-count varint, the size **overstates** the
 * payload by 80 + varint bytes: reproduced for byte compatibility, never used to frame reads.
 *
 * @example
 * legacyBlockPrefix(block.sizeInBytes, block.txCount)
 */
export function legacyBlockPrefix(sizeInBytes: number, txCount: number): Uint8Array {
  const size = sizeInBytes + 80 + varintSize(txCount);
  if (size > 0xffff_ffff) throw new RangeError(`legacy block size ${size} does not fit the u32 prefix`);
  const out = new Uint8Array(8);
  out.set(WIRE_MAGIC);
  new DataView(out.buffer).setUint32(4, size, true);
  return out;
}

/** True when `bytes` starts with the `F9BEB4D9` magic. */
export function hasWireMagic(bytes: Uint8Array): boolean {
  return bytes[0] === 0xf9 && bytes[1] === 0xbe && bytes[2] === 0xb4 && bytes[3] === 0xd9;
}
