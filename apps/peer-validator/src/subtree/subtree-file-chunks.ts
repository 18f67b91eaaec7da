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

/**
 * One node at a time through one reused record and hash buffer: the serializer copies each node
 * out before asking for the next. A view and a record per node were ~130 MiB of garbage at the
 * end of a 1M-tx commit, the validator's peak.
 */
function* each(nodes: NodeHashes, fees: Float64Array, sizes: Float64Array) {
  const node = { hash: new Uint8Array(32), fee: 0, size: 0 };
  for (let i = 0; i < nodes.length; i++) {
    nodes.copyTo(i, node.hash, 0);
    node.fee = fees[i] as number;
    node.size = sizes[i] as number;
    yield node;
  }
}
