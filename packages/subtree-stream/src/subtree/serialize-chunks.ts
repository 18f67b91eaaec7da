import { HASH_BYTES } from "../hash.ts";
import { SUBTREE_HEAD_BYTES, SUBTREE_NODE_BYTES, type SubtreeNode } from "./subtree.ts";
import { writeU64 } from "./u64.ts";

/** Head fields of the full form, known before its nodes are. */
export interface SubtreeHeadFields {
  storedRoot: Uint8Array;
  fees: number;
  sizeInBytes: number;
  /** Nodes that will follow. */
  count: number;
}

/**
 * The full form without magic and with no conflicting nodes, as `serializeSubtree(…, { magic: null })`
 * writes it, a bounded piece at a time: a 1M-node subtree never has to exist as one buffer or as
 * an array of nodes. Each piece is a fresh buffer (a sink may keep it until it flushes). `nodes`
 * must yield exactly `head.count` nodes, else a `RangeError`; each is copied out before the next is
 * asked for, so a producer may yield one record over and over, refilled.
 *
 * @example
 * for (const piece of serializeSubtreeChunks(head, nodes)) await sink.write(piece);
 */
export function* serializeSubtreeChunks(
  head: SubtreeHeadFields,
  nodes: Iterable<SubtreeNode>,
  { nodesPerChunk = 8192 }: { nodesPerChunk?: number } = {},
): Generator<Uint8Array> {
  const top = new Uint8Array(SUBTREE_HEAD_BYTES);
  const topView = new DataView(top.buffer);
  top.set(head.storedRoot);
  writeU64(topView, 32, head.fees);
  writeU64(topView, 40, head.sizeInBytes);
  writeU64(topView, 48, head.count);
  yield top;
  let written = 0;
  let chunk = new Uint8Array(nodesPerChunk * SUBTREE_NODE_BYTES);
  let view = new DataView(chunk.buffer);
  let p = 0;
  for (const node of nodes) {
    if (++written > head.count) throw new RangeError(`more than the ${head.count} nodes the head announces`);
    chunk.set(node.hash, p);
    writeU64(view, p + HASH_BYTES, node.fee);
    writeU64(view, p + HASH_BYTES + 8, node.size);
    p += SUBTREE_NODE_BYTES;
    if (p === chunk.length) {
      yield chunk;
      chunk = new Uint8Array(chunk.length);
      view = new DataView(chunk.buffer);
      p = 0;
    }
  }
  if (written !== head.count) throw new RangeError(`${written} nodes, the head announces ${head.count}`);
  // The last nodes, then a zero count of conflicting nodes.
  const tail = new Uint8Array(p + 8);
  tail.set(chunk.subarray(0, p));
  yield tail;
}
