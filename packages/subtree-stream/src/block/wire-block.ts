import { MalformedDataError } from "../errors/malformed-data-error.ts";
import { type ParseTxOptions, parseTx, type Tx } from "../tx/tx.ts";
import { readVarint, varintSize, writeVarint } from "../varint.ts";
import { BLOCK_HEADER_BYTES, type BlockHeader, parseBlockHeader, serializeBlockHeader } from "./header.ts";
import { hasWireMagic, legacyBlockPrefix } from "./wire-prefix.ts";

/** A legacy (Bitcoin wire) block: header, then txs. */
export interface WireBlock {
  header: BlockHeader;
  txs: Tx[];
}

/**
 * Parses a whole wire block (`header | varint nTx | txs`), skipping an `F9BEB4D9` prefix if
 * present. Every byte must be consumed and the tx count must match. For large blocks prefer
 * `readWireBlock`, which streams.
 *
 * @example
 * const { header, txs } = parseWireBlock(bytes);
 */
export function parseWireBlock(bytes: Uint8Array, options: ParseTxOptions = {}): WireBlock {
  let p = hasWireMagic(bytes) ? 8 : 0;
  const header = parseBlockHeader(bytes, p);
  p += BLOCK_HEADER_BYTES;
  const count = readVarint(bytes, p);
  p += count.size;
  // Each tx takes at least 10 bytes: a count beyond that is impossible, so nothing is sized by it.
  if (count.value * 10 > bytes.length - p) {
    throw new MalformedDataError(
      "BLOCK_BAD_COUNT",
      `tx count ${count.value} exceeds the bytes present`,
      p - count.size,
    );
  }
  const txs: Tx[] = [];
  for (let i = 0; i < count.value; i++) {
    const tx = parseTx(bytes, p, options);
    txs.push(tx);
    p += tx.size;
  }
  if (p !== bytes.length) throw new MalformedDataError("BLOCK_TRAILING_BYTES", "bytes after the last tx", p);
  return { header, txs };
}

/**
 * The start of a wire block: optional reference prefix, header, tx-count varint. Write the txs
 * (standard bytes) after it to stream a block without holding it.
 *
 * @example
 * sink.write(encodeWireBlockHead(block.header, block.txCount, { prefixSizeInBytes: block.sizeInBytes }));
 */
export function encodeWireBlockHead(
  header: BlockHeader,
  txCount: number,
  options: { prefixSizeInBytes?: number } = {},
): Uint8Array {
  const prefix =
    options.prefixSizeInBytes === undefined ? undefined : legacyBlockPrefix(options.prefixSizeInBytes, txCount);
  const at = prefix ? prefix.length : 0;
  const out = new Uint8Array(at + BLOCK_HEADER_BYTES + varintSize(txCount));
  if (prefix) out.set(prefix);
  out.set(serializeBlockHeader(header), at);
  writeVarint(txCount, out, at + BLOCK_HEADER_BYTES);
  return out;
}

/**
 * A whole wire block; with `prefixSizeInBytes` (the model block's `sizeInBytes`) it gets the
 * reference's `F9BEB4D9` + size prefix.
 *
 * @example
 * serializeWireBlock(header, txs.map((t) => t.bytes))
 */
export function serializeWireBlock(
  header: BlockHeader,
  txs: readonly Uint8Array[],
  options: { prefixSizeInBytes?: number } = {},
): Uint8Array {
  const head = encodeWireBlockHead(header, txs.length, options);
  let size = head.length;
  for (const tx of txs) size += tx.length;
  const out = new Uint8Array(size);
  out.set(head);
  let p = head.length;
  for (const tx of txs) {
    out.set(tx, p);
    p += tx.length;
  }
  return out;
}
