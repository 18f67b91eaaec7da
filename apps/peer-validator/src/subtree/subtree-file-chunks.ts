import { HASH_BYTES, SUBTREE_HEAD_BYTES, SUBTREE_NODE_BYTES } from "@subtreekit/subtree-stream";
import type { NodeHashes } from "./node-hashes.ts";
import { CHUNK } from "./node-hashes.ts";

/**
 * The go-subtree full form of a verified subtree (root, fees, size, node count; per node hash,
 * fee, size; no conflicting nodes), as `serializeSubtree` writes it with `magic: null`, made a
 * bounded chunk at a time: the whole form as node objects held an object per node at commit.
 *
 * @example
 * for (const chunk of subtreeFileChunks(root, nodes, staged.fees, staged.sizes)) await w.write(chunk);
 */
export function* subtreeFileChunks(
  root: Uint8Array,
  nodes: NodeHashes,
  fees: Float64Array,
  sizes: Float64Array,
  perChunk = CHUNK,
): Generator<Uint8Array> {
  let totalFees = 0;
  let totalSize = 0;
  for (let i = 0; i < nodes.length; i++) {
    totalFees += fees[i]!;
    totalSize += sizes[i]!;
  }
  const head = new Uint8Array(SUBTREE_HEAD_BYTES);
  const hv = new DataView(head.buffer);
  head.set(root, 0);
  u64(hv, HASH_BYTES, totalFees);
  u64(hv, HASH_BYTES + 8, totalSize);
  u64(hv, HASH_BYTES + 16, nodes.length);
  yield head;
  for (let i = 0; i < nodes.length; i += perChunk) {
    const end = Math.min(nodes.length, i + perChunk);
    const out = new Uint8Array((end - i) * SUBTREE_NODE_BYTES);
    const v = new DataView(out.buffer);
    for (let k = i, p = 0; k < end; k++, p += SUBTREE_NODE_BYTES) {
      out.set(nodes.at(k), p);
      u64(v, p + HASH_BYTES, fees[k]!);
      u64(v, p + HASH_BYTES + 8, sizes[k]!);
    }
    yield out;
  }
  yield new Uint8Array(8); // no conflicting nodes
}

function u64(view: DataView, p: number, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`u64 field must be a safe integer >= 0: ${value}`);
  view.setBigUint64(p, BigInt(value), true);
}
