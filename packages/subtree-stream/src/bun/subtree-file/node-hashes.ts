import { HASH_BYTES } from "../../hash.ts";
import { SUBTREE_NODE_BYTES } from "../../subtree/subtree.ts";
import { NODES_AT, readRange, truncated } from "./read-range.ts";

/** Options of {@link readSubtreeFileNodeHashes}. */
export interface SubtreeFileNodeHashesOptions {
  /** Nodes per yielded array (one range read each). Default 8192 (384 KiB of records). */
  batch?: number;
  /** Checked before and after every read. */
  signal?: AbortSignal;
}

/**
 * Node hashes of a subtree file in arrays of up to `batch`, one range read at a time, so memory
 * stays at one batch however large the subtree. Each hash is a view of the start of its 48-byte
 * record, so {@link storedTxSize} can read the size stored beside it. A file that ends before
 * node `count` is `SUBTREE_TRUNCATED` (`MalformedDataError` with `path` and `offset`).
 *
 * @example
 * const { count } = await readSubtreeFileHead(path);
 * for await (const hashes of readSubtreeFileNodeHashes(path, count, { signal })) fetchTxs(hashes);
 */
export async function* readSubtreeFileNodeHashes(
  path: string,
  count: number,
  { batch = 8192, signal }: SubtreeFileNodeHashesOptions = {},
): AsyncGenerator<Uint8Array[], void, undefined> {
  if (!Number.isSafeInteger(batch) || batch < 1) throw new RangeError(`batch must be a positive integer: ${batch}`);
  for (let from = 0; from < count; from += batch) {
    const n = Math.min(count - from, batch);
    const start = NODES_AT + from * SUBTREE_NODE_BYTES;
    const b = await readRange(path, start, start + n * SUBTREE_NODE_BYTES, signal);
    if (b.length < n * SUBTREE_NODE_BYTES) {
      throw truncated(path, `node ${from + Math.floor(b.length / SUBTREE_NODE_BYTES)}`, start, b.length);
    }
    const out: Uint8Array[] = new Array(n);
    for (let i = 0, at = 0; i < n; i++, at += SUBTREE_NODE_BYTES) out[i] = b.subarray(at, at + HASH_BYTES);
    yield out;
  }
}

/**
 * The tx size a subtree file stores beside a hash from {@link readSubtreeFileNodeHashes} (40
 * bytes on in its record: hash, fee, size). Lets a build cut chunks by bytes without a lookup.
 * Only for those hashes: a copied hash has no record behind it.
 *
 * @example
 * const bytes = hashes.reduce((s, h) => s + storedTxSize(h), 0);
 */
export function storedTxSize(node: Uint8Array): number {
  const v = new DataView(node.buffer, node.byteOffset + 40, 8);
  return v.getUint32(0, true) + v.getUint32(4, true) * 2 ** 32;
}
