import { MalformedDataError } from "../errors/malformed-data-error.ts";
import { HASH_BYTES } from "../hash.ts";
import { ByteReader } from "../read/byte-reader.ts";
import { detectSubtreeMagic } from "./magic.ts";
import { SUBTREE_HEAD_BYTES, SUBTREE_NODE_BYTES } from "./subtree.ts";
import { readU64 } from "./u64.ts";

/** Options of the streaming node readers. */
export interface ReadNodesOptions {
  /** Hashes per yielded array. Default 8192 (256 KiB). */
  chunkNodes?: number;
  signal?: AbortSignal;
}

/**
 * Node hashes of a nodes-only subtree stream (`GET /subtree/:hash` body), in arrays of up to
 * `chunkNodes`, so a 1M-node subtree is never held whole. Each array's hashes are views of one
 * fresh buffer. A trailing partial hash is `SUBTREE_TRUNCATED`; an abort cancels the stream.
 *
 * @example
 * for await (const chunk of readSubtreeNodes(res.body, { chunkNodes: 10_000 })) builder.push(...)
 */
export async function* readSubtreeNodes(
  stream: ReadableStream<Uint8Array>,
  options: ReadNodesOptions = {},
): AsyncGenerator<Uint8Array[], void, undefined> {
  const chunkNodes = checkChunkNodes(options.chunkNodes);
  const reader = new ByteReader(stream, options.signal);
  let failure: unknown;
  try {
    for (;;) {
      const block = await reader.read(chunkNodes * HASH_BYTES);
      if (block.length % HASH_BYTES !== 0) {
        throw new MalformedDataError("SUBTREE_TRUNCATED", "stream ends inside a node hash", reader.offset);
      }
      if (block.length > 0) yield split(block, HASH_BYTES);
      if (block.length < chunkNodes * HASH_BYTES) return;
    }
  } catch (e) {
    failure = e;
    throw e;
  } finally {
    reader.source.close(failure);
  }
}

/**
 * Node hashes of a full-form subtree stream (optionally with its 8-byte magic), in arrays of up
 * to `chunkNodes`, checking the declared count and that the conflicting list ends the stream.
 *
 * @example
 * for await (const chunk of readFullSubtreeNodes(Bun.file(path).stream())) count += chunk.length
 */
export async function* readFullSubtreeNodes(
  stream: ReadableStream<Uint8Array>,
  options: ReadNodesOptions = {},
): AsyncGenerator<Uint8Array[], void, undefined> {
  const chunkNodes = checkChunkNodes(options.chunkNodes);
  const reader = new ByteReader(stream, options.signal);
  let failure: unknown;
  try {
    let head = await reader.read(SUBTREE_HEAD_BYTES);
    let base = 0;
    if (detectSubtreeMagic(head)) {
      base = 8;
      const more = await reader.read(8);
      head = concat(head.subarray(8), more);
    }
    if (head.length < SUBTREE_HEAD_BYTES) throw truncated(reader.offset);
    let left = readU64(new DataView(head.buffer, head.byteOffset, head.length), 48, base);
    while (left > 0) {
      const want = Math.min(left, chunkNodes);
      const block = await reader.read(want * SUBTREE_NODE_BYTES);
      if (block.length < want * SUBTREE_NODE_BYTES) throw truncated(reader.offset);
      const hashes: Uint8Array[] = new Array(want);
      const packed = new Uint8Array(want * HASH_BYTES);
      for (let i = 0; i < want; i++) {
        packed.set(block.subarray(i * SUBTREE_NODE_BYTES, i * SUBTREE_NODE_BYTES + HASH_BYTES), i * HASH_BYTES);
        hashes[i] = packed.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES);
      }
      left -= want;
      yield hashes;
    }
    const countBytes = await reader.read(8);
    if (countBytes.length < 8) throw truncated(reader.offset);
    const conflicting = readU64(new DataView(countBytes.buffer), 0, reader.offset - 8);
    // Read the conflicting list in bounded pieces: its count comes from the input.
    let rest = conflicting * HASH_BYTES;
    while (rest > 0) {
      const piece = await reader.read(Math.min(rest, 1 << 20));
      if (piece.length === 0) throw truncated(reader.offset);
      rest -= piece.length;
    }
    const extra = (await reader.read(1)).length;
    if (extra) throw new MalformedDataError("SUBTREE_TRAILING_BYTES", "bytes after the subtree", reader.offset - 1);
  } catch (e) {
    failure = e;
    throw e;
  } finally {
    reader.source.close(failure);
  }
}

function split(block: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = new Array(block.length / size);
  for (let i = 0; i < out.length; i++) out[i] = block.subarray(i * size, (i + 1) * size);
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function checkChunkNodes(n = 8192): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`chunkNodes must be a positive integer: ${n}`);
  return n;
}

function truncated(offset: number): MalformedDataError {
  return new MalformedDataError("SUBTREE_TRUNCATED", "stream ends inside the subtree", offset);
}
