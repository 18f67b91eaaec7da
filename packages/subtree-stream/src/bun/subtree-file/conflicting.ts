import { HASH_BYTES } from "../../hash.ts";
import { SUBTREE_NODE_BYTES } from "../../subtree/subtree.ts";
import { readU64 } from "../../subtree/u64.ts";
import { NODES_AT, readRange, truncated } from "./read-range.ts";

/** Options of {@link readSubtreeFileConflicting}. */
export interface SubtreeFileConflictingOptions {
  /**
   * Most hashes returned. Default 100: the count comes from the file, and this answers one JSON
   * response, so it must not size an allocation by itself.
   */
  limit?: number;
  signal?: AbortSignal;
}

/**
 * The conflicting node hashes listed after a subtree file's `count` nodes (at most `limit`, and
 * never more than `count`: conflicting nodes are among the nodes). A file that ends before the
 * list it declares is `SUBTREE_TRUNCATED` (`MalformedDataError` with `path` and `offset`).
 *
 * @example
 * const conflicting = await readSubtreeFileConflicting(path, head.count);
 */
export async function readSubtreeFileConflicting(
  path: string,
  count: number,
  { limit = 100, signal }: SubtreeFileConflictingOptions = {},
): Promise<Uint8Array[]> {
  const at = NODES_AT + count * SUBTREE_NODE_BYTES;
  const head = await readRange(path, at, at + 8, signal);
  if (head.length < 8) throw truncated(path, "the conflicting count", at, head.length);
  const c = Math.min(readU64(new DataView(head.buffer, head.byteOffset, 8), 0, at, path), count, limit);
  const b = await readRange(path, at + 8, at + 8 + c * HASH_BYTES, signal);
  if (b.length < c * HASH_BYTES) throw truncated(path, "the conflicting nodes", at + 8, b.length);
  const out: Uint8Array[] = new Array(c);
  for (let i = 0; i < c; i++) out[i] = b.slice(i * HASH_BYTES, (i + 1) * HASH_BYTES);
  return out;
}
