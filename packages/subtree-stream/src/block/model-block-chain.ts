import { MalformedDataError } from "../errors/malformed-data-error.ts";
import { bytesEqual } from "../hash.ts";
import { readVarint } from "../varint.ts";
import { BLOCK_HEADER_BYTES, blockHash } from "./header.ts";
import { MAX_BUMP_BYTES, type ModelBlock, readModelBlockBody } from "./model-block.ts";

/** One block of a `/blocks` body: the parsed block, its hash and its exact bytes. */
export interface ChainedModelBlock {
  block: ModelBlock;
  /** Block hash, internal order. */
  hash: Uint8Array;
  /** The block's own bytes (a view into the input): what `GET /block/:hash` returns for it. */
  bytes: Uint8Array;
}

/**
 * Splits a `GET /blocks/:hash?n=` body (model blocks concatenated, **newest first**, each the
 * parent of the one before) into its blocks, in the order given.
 *
 * A model block's trailing coinbase BUMP is optional and carries no marker, so where one block ends
 * is decided by the chain itself: the next block starts right after the height when the next 80
 * bytes hash to this block's parent; otherwise a BUMP (varint length + bytes) must come first and
 * be followed by the parent (or the end). Anything else is a MalformedDataError at that offset.
 *
 * @example
 * const blocks = parseModelBlockChain(new Uint8Array(await res.arrayBuffer())); // newest first
 */
export function parseModelBlockChain(bytes: Uint8Array): ChainedModelBlock[] {
  const out: ChainedModelBlock[] = [];
  let start = 0;
  while (start < bytes.length) {
    const { block, end } = readModelBlockBody(bytes, start);
    let next = end;
    if (next < bytes.length && !isParentAt(bytes, next, block.header.prevHash)) {
      const len = readVarint(bytes, next);
      const after = next + len.size + len.value;
      if (len.value > MAX_BUMP_BYTES || after > bytes.length) {
        throw new MalformedDataError("BLOCK_TRAILING_BYTES", `bad coinbase BUMP length ${len.value}`, next);
      }
      if (after < bytes.length && !isParentAt(bytes, after, block.header.prevHash)) {
        throw new MalformedDataError(
          "BLOCK_TRAILING_BYTES",
          `block ${out.length} is followed by neither its parent nor a coinbase BUMP`,
          next,
        );
      }
      block.coinbaseBump = bytes.slice(next + len.size, after);
      next = after;
    }
    const own = bytes.subarray(start, next);
    out.push({ block, hash: blockHash(own), bytes: own });
    start = next;
  }
  return out;
}

function isParentAt(bytes: Uint8Array, at: number, prevHash: Uint8Array): boolean {
  return bytes.length - at >= BLOCK_HEADER_BYTES && bytesEqual(blockHash(bytes.subarray(at)), prevHash);
}
