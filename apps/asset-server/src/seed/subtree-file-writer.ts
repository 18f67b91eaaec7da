import { HASH_BYTES, SUBTREE_HEAD_BYTES, SUBTREE_NODE_BYTES, type SubtreeNode } from "@subtreekit/subtree-stream";

/** Where a subtree file goes, piece by piece (the blob store's atomic writer). */
export interface SubtreeFileSink {
  write(bytes: Uint8Array): void | Promise<void>;
  commit(): Promise<void>;
  abort(reason?: unknown): Promise<void>;
}

/** Head fields of the full form, known before the nodes are written. */
export interface SubtreeHead {
  root: Uint8Array;
  fees: number;
  sizeInBytes: number;
  count: number;
}

/** Nodes encoded per `write`: bounds the bytes held however many nodes the subtree has. */
export const NODES_PER_WRITE = 8192;

/**
 * Writes the go-subtree full form (no magic, no conflicting nodes) of `head` and `nodes` to
 * `sink` in pieces of {@link NODES_PER_WRITE} nodes and commits it — the same bytes as
 * `serializeSubtree(buildSubtree(nodes), { magic: null })` without holding the nodes. Any error
 * (a short or long `nodes`, the signal, the sink) aborts the sink, so nothing is published.
 *
 * @example
 * await writeSubtreeFile(await blobStore.createWriter(root, "subtree"), head, nodes, signal);
 */
export async function writeSubtreeFile(
  sink: SubtreeFileSink,
  head: SubtreeHead,
  nodes: Iterable<SubtreeNode>,
  signal?: AbortSignal,
): Promise<void> {
  try {
    const top = new Uint8Array(SUBTREE_HEAD_BYTES);
    const topView = new DataView(top.buffer);
    top.set(head.root);
    u64(topView, 32, head.fees);
    u64(topView, 40, head.sizeInBytes);
    u64(topView, 48, head.count);
    await sink.write(top);
    let written = 0;
    let chunk = new Uint8Array(NODES_PER_WRITE * SUBTREE_NODE_BYTES);
    let view = new DataView(chunk.buffer);
    let p = 0;
    for (const node of nodes) {
      if (++written > head.count) throw new RangeError(`more than the ${head.count} nodes the head announces`);
      chunk.set(node.hash, p);
      u64(view, p + HASH_BYTES, node.fee);
      u64(view, p + HASH_BYTES + 8, node.size);
      p += SUBTREE_NODE_BYTES;
      if (p === chunk.length) {
        signal?.throwIfAborted();
        // A fresh buffer per write: the sink may keep the one it was given until it flushes.
        await sink.write(chunk);
        chunk = new Uint8Array(chunk.length);
        view = new DataView(chunk.buffer);
        p = 0;
      }
    }
    if (written !== head.count) throw new RangeError(`${written} nodes, the head announces ${head.count}`);
    const tail = new Uint8Array(p + 8); // the last nodes, then a zero count of conflicting nodes
    tail.set(chunk.subarray(0, p));
    await sink.write(tail);
    signal?.throwIfAborted();
    await sink.commit();
  } catch (err) {
    await sink.abort(err).catch(() => {});
    throw err;
  }
}

// Values come from node sizes and sums of them: safe integers, so the BigInt is exact.
function u64(view: DataView, p: number, value: number): void {
  view.setBigUint64(p, BigInt(value), true);
}
