import { HASH_BYTES } from "../../hash.ts";
import { SUBTREE_NODE_BYTES, type SubtreeNode } from "../../subtree/subtree.ts";
import { readU64 } from "../../subtree/u64.ts";
import { NODES_AT, readRange, truncated } from "./read-range.ts";

/**
 * Nodes `[from, to)` of a subtree file, reading only their records: a JSON page of a 1M-node
 * subtree costs its own bytes. The caller clamps `to` to the head's count; a file that ends
 * before `to` is `SUBTREE_TRUNCATED` (`MalformedDataError` with `path` and `offset`).
 *
 * @example
 * const page = await readSubtreeFileNodes(path, 100, Math.min(200, head.count), { signal });
 */
export async function readSubtreeFileNodes(
  path: string,
  from: number,
  to: number,
  { signal }: { signal?: AbortSignal } = {},
): Promise<SubtreeNode[]> {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to < from) {
    throw new RangeError(`node range must be 0 <= from <= to: [${from}, ${to})`);
  }
  const start = NODES_AT + from * SUBTREE_NODE_BYTES;
  const b = await readRange(path, start, start + (to - from) * SUBTREE_NODE_BYTES, signal);
  if (b.length < (to - from) * SUBTREE_NODE_BYTES)
    throw truncated(path, `node ${from + Math.floor(b.length / SUBTREE_NODE_BYTES)}`, start, b.length);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: SubtreeNode[] = new Array(to - from);
  for (let i = 0, at = 0; i < out.length; i++, at += SUBTREE_NODE_BYTES) {
    out[i] = {
      hash: b.slice(at, at + HASH_BYTES),
      fee: readU64(v, at + 32, start, path),
      size: readU64(v, at + 40, start, path),
    };
  }
  return out;
}
