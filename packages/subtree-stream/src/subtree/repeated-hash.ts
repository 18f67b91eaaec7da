import { HASH_BYTES } from "../hash.ts";

/**
 * The indexes of the first hash listed twice in `hashes` (n × 32 bytes back to back, e.g. a
 * nodes-only subtree), as `[first, repeat]` with the earliest `repeat`; undefined when all differ.
 * A tx can be in a block once, and a repeated last node is how a forged list keeps its root: the
 * merkle rule pads with zero hashes and hashes (x, 0) as (x, x), so [a, b, c, c] hashes like
 * [a, b, c] (CVE-2012-2459). Sorts 48-bit prefixes (8 bytes a hash, ~30–90 ms for 1M) and
 * compares whole hashes only where two prefixes are equal.
 *
 * @example
 * const r = firstRepeatedHash(nodesBody);
 * if (r) throw new Error(`node ${r[1]} repeats node ${r[0]}`);
 */
export function firstRepeatedHash(hashes: Uint8Array): [number, number] | undefined {
  if (hashes.length % HASH_BYTES !== 0) throw new RangeError("firstRepeatedHash: not a whole number of 32-byte hashes");
  const n = hashes.length / HASH_BYTES;
  const view = new DataView(hashes.buffer, hashes.byteOffset, hashes.byteLength);
  const key = (i: number) => view.getUint32(i * HASH_BYTES) * 65536 + view.getUint16(i * HASH_BYTES + 4);
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) sorted[i] = key(i);
  sorted.sort();
  let shared: Set<number> | undefined;
  for (let i = 1; i < n; i++) if (sorted[i] === sorted[i - 1]) (shared ??= new Set()).add(sorted[i]!);
  if (!shared) return undefined;
  // Rare: equal prefixes (about n² / 2⁴⁹ of a list). Whole hashes of those only.
  const seen = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    if (!shared.has(key(i))) continue;
    const hex = Buffer.from(hashes.buffer, hashes.byteOffset + i * HASH_BYTES, HASH_BYTES).toString("hex");
    const first = seen.get(hex);
    if (first !== undefined) return [first, i]; // scanning in order: the earliest repeat
    seen.set(hex, i);
  }
  return undefined;
}
