import { MalformedDataError } from "../errors/malformed-data-error.ts";
import { SubtreeStreamError } from "../errors.ts";
import { HASH_BYTES } from "../hash.ts";
import { parseTx } from "../tx/tx.ts";
import { readVarint, varintSize, writeVarint } from "../varint.ts";
import { BLOCK_HEADER_BYTES, type BlockHeader, parseBlockHeader, serializeBlockHeader } from "./header.ts";

/** Largest coinbase BUMP accepted after the height (the reference's 1 MiB cap). */
export const MAX_BUMP_BYTES = 1024 * 1024;

/** A Teranode model block (`GET /block/:hash` body, `model.Block.Bytes`). */
export interface ModelBlock {
  header: BlockHeader;
  /** Transactions in the block, coinbase included. */
  txCount: number;
  /** Full serialized block size as stored by producers. */
  sizeInBytes: number;
  /** Subtree hashes in block order (internal order). */
  subtrees: Uint8Array[];
  /** Coinbase tx, standard bytes. */
  coinbaseTx: Uint8Array;
  height: number;
  /** Coinbase BUMP that newer nodes append (absent on older blocks). */
  coinbaseBump?: Uint8Array;
}

/**
 * Parses `header(80) | varint txCount | varint sizeInBytes | varint nSubtrees | n × 32 | coinbase
 * tx | varint height [| varint len + coinbase BUMP]`; every byte must be consumed.
 *
 * @example
 * const block = parseModelBlock(new Uint8Array(await res.arrayBuffer()));
 */
export function parseModelBlock(bytes: Uint8Array): ModelBlock {
  const { block, end } = readModelBlockBody(bytes, 0);
  if (end < bytes.length) {
    const p = end;
    try {
      const len = readVarint(bytes, p);
      if (len.value > MAX_BUMP_BYTES || len.value !== bytes.length - p - len.size) {
        throw new MalformedDataError("BLOCK_TRAILING_BYTES", `bad coinbase BUMP length ${len.value}`, p);
      }
      block.coinbaseBump = bytes.slice(p + len.size);
    } catch (e) {
      if (e instanceof SubtreeStreamError) throw e;
      throw new MalformedDataError("BLOCK_TRUNCATED", "model block cut short", bytes.length, { cause: e });
    }
  }
  return block;
}

/**
 * The block starting at `offset`, up to and including its height (no BUMP), and where it ends.
 * Shared by `parseModelBlock` (one block, the rest is its BUMP) and `parseModelBlockChain`.
 */
export function readModelBlockBody(bytes: Uint8Array, offset: number): { block: ModelBlock; end: number } {
  try {
    const header = parseBlockHeader(bytes, offset);
    let p = offset + BLOCK_HEADER_BYTES;
    const next = () => {
      const v = readVarint(bytes, p);
      p += v.size;
      return v.value;
    };
    const txCount = next();
    const sizeInBytes = next();
    const n = next();
    if (n * HASH_BYTES > bytes.length - p) {
      throw new MalformedDataError("BLOCK_BAD_COUNT", `subtree count ${n} exceeds the bytes present`, p);
    }
    const subtrees: Uint8Array[] = [];
    for (let i = 0; i < n; i++, p += HASH_BYTES) subtrees.push(bytes.slice(p, p + HASH_BYTES));
    const coinbase = parseTx(bytes, p);
    const coinbaseTx = coinbase.bytes.slice();
    p += coinbase.size;
    const height = next();
    return { block: { header, txCount, sizeInBytes, subtrees, coinbaseTx, height }, end: p };
  } catch (e) {
    if (e instanceof SubtreeStreamError) throw e;
    throw new MalformedDataError("BLOCK_TRUNCATED", "model block cut short", bytes.length, { cause: e });
  }
}

/**
 * Serializes a model block; round-trips `parseModelBlock` byte for byte (varints canonical).
 *
 * @example
 * serializeModelBlock(parseModelBlock(bytes)) // same bytes
 */
export function serializeModelBlock(block: ModelBlock): Uint8Array {
  const bump = block.coinbaseBump;
  const size =
    BLOCK_HEADER_BYTES +
    varintSize(block.txCount) +
    varintSize(block.sizeInBytes) +
    varintSize(block.subtrees.length) +
    block.subtrees.length * HASH_BYTES +
    block.coinbaseTx.length +
    varintSize(block.height) +
    (bump ? varintSize(bump.length) + bump.length : 0);
  const out = new Uint8Array(size);
  out.set(serializeBlockHeader(block.header));
  let p = BLOCK_HEADER_BYTES;
  p += writeVarint(block.txCount, out, p);
  p += writeVarint(block.sizeInBytes, out, p);
  p += writeVarint(block.subtrees.length, out, p);
  for (const h of block.subtrees) {
    out.set(h, p);
    p += HASH_BYTES;
  }
  out.set(block.coinbaseTx, p);
  p += block.coinbaseTx.length;
  p += writeVarint(block.height, out, p);
  if (bump) {
    p += writeVarint(bump.length, out, p);
    out.set(bump, p);
  }
  return out;
}
