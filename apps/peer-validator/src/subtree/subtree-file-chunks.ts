import { serializeSubtreeChunks } from "@subtreekit/subtree-stream";
import type { NodeHashes } from "./node-hashes.ts";
import { CHUNK } from "./node-hashes.ts";

/**
 * The full form of a verified subtree (subtree-stream's `serializeSubtreeChunks`) from the
 * validator's node buffer and staged fees and sizes, a bounded chunk at a time: the whole form as
 * node objects held an object per node at commit.
 *
 * @example
 * for (const chunk of subtreeFileChunks(root, nodes, staged.fees, staged.sizes)) await w.write(chunk);
 */
export function subtreeFileChunks(
  root: Uint8Array,
  nodes: NodeHashes,
  fees: Float64Array,
  sizes: Float64Array,
  perChunk = CHUNK,
): Generator<Uint8Array> {
  let totalFees = 0;
  let totalSize = 0;
  for (let i = 0; i < nodes.length; i++) {
    totalFees += fees[i] as number;
    totalSize += sizes[i] as number;
  }
  const head = { storedRoot: root, fees: totalFees, sizeInBytes: totalSize, count: nodes.length };
  return serializeSubtreeChunks(head, each(nodes, fees, sizes), { nodesPerChunk: perChunk });
}

/** One node at a time, as views into the node buffer: no per-node objects kept. */
function* each(nodes: NodeHashes, fees: Float64Array, sizes: Float64Array) {
  for (let i = 0; i < nodes.length; i++) {
    yield { hash: nodes.at(i), fee: fees[i] as number, size: sizes[i] as number };
  }
}
