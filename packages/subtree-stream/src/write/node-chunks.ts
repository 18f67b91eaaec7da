/**
 * Turns an in-memory node list into the `nodes` iterable of {@link writeSubtreeData}, in slices
 * of `size` (no copy of the hashes themselves).
 *
 * @example
 * ```ts
 * await writeSubtreeData({ nodes: nodeChunks(subtree.nodes), source, sink });
 * ```
 */
export async function* nodeChunks(nodes: readonly Uint8Array[], size = 10_000): AsyncGenerator<readonly Uint8Array[]> {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`size must be a positive integer, got ${size}`);
  for (let i = 0; i < nodes.length; i += size) yield nodes.slice(i, i + size);
}
