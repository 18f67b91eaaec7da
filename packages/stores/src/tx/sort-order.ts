/**
 * The first 6 bytes of a hash as a number (exact in a double): the SQLite store's index key, and
 * the primary sort key of {@link sortOrder}.
 */
export function hashKey48(h: Uint8Array): number {
  return h[0]! * 2 ** 40 + h[1]! * 2 ** 32 + ((h[2]! << 24) >>> 0) + (h[3]! << 16) + (h[4]! << 8) + h[5]!;
}

/**
 * Indices of `hashes` in ascending byte order (memcmp order, as SQLite and Postgres compare
 * blobs). Looking keys up in index order turns random B-tree probes into one forward walk.
 *
 * Sorting compares the 48-bit numeric prefix first and falls back to a full byte compare only
 * on a tie, so a 10,000-hash batch sorts in about a millisecond.
 *
 * @example
 * ```ts
 * for (const i of sortOrder(hashes)) lookup(hashes[i]);
 * ```
 */
export function sortOrder(hashes: readonly Uint8Array[], keys: Float64Array = keysOf(hashes)): Uint32Array {
  const order = new Uint32Array(hashes.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => {
    const d = keys[a]! - keys[b]!;
    return d !== 0 ? d : Buffer.compare(hashes[a]!, hashes[b]!);
  });
  return order;
}

/** {@link hashKey48} of each hash. */
export function keysOf(hashes: readonly Uint8Array[]): Float64Array {
  const keys = new Float64Array(hashes.length);
  for (let i = 0; i < keys.length; i++) keys[i] = hashKey48(hashes[i]!);
  return keys;
}
