import { type SubtreeNode, serializeSubtreeChunks } from "@subtreekit/subtree-stream";

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
 * Writes the full form of `head` and `nodes` (subtree-stream's `serializeSubtreeChunks`) to `sink`
 * in pieces of {@link NODES_PER_WRITE} nodes and commits it, without holding the nodes. Any error
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
    const fields = { storedRoot: head.root, fees: head.fees, sizeInBytes: head.sizeInBytes, count: head.count };
    for (const piece of serializeSubtreeChunks(fields, nodes, { nodesPerChunk: NODES_PER_WRITE })) {
      signal?.throwIfAborted();
      await sink.write(piece);
    }
    signal?.throwIfAborted();
    await sink.commit();
  } catch (err) {
    await sink.abort(err).catch(() => {});
    throw err;
  }
}
