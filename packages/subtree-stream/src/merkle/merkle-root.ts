import { assertHash, HASH_BYTES, sha256dInto } from "../hash.ts";
import { hashPairInto } from "./hash-pair.ts";

/**
 * Merkle root of `leaves` with the go-subtree rule (`BuildMerkleTreeStoreFromBytes`): pad with
 * zero hashes to a power of two; (x, y) → H(x‖y); (x, 0) → H(x‖x); (0, 0) → 0; one leaf → itself.
 * Works level by level in one scratch array of ⌈n/2⌉ hashes. Throws RangeError for no leaves.
 *
 * @example
 * merkleRoot(parseSubtreeNodes(body)) // equals the subtree's hash
 */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  const n = leaves.length;
  if (n === 0) throw new RangeError("merkle root of zero leaves");
  for (const leaf of leaves) assertHash(leaf, "merkle leaf");
  if (n === 1) return (leaves[0] as Uint8Array).slice();
  // One flat buffer of ⌈n/2⌉ hashes with a view per slot made once: every level is computed in
  // place over it, so hashing a pair allocates nothing.
  let width = Math.ceil(n / 2);
  const level = new Uint8Array(width * HASH_BYTES);
  const slots: Uint8Array[] = new Array(width);
  for (let i = 0; i < width; i++) slots[i] = level.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES);
  for (let i = 0; i < width; i++) {
    const left = leaves[2 * i] as Uint8Array;
    hashPairInto(left, leaves[2 * i + 1] ?? left, slots[i] as Uint8Array);
  }
  // Above level 1 a pair is 64 contiguous bytes of `level`: hash them in place, no copy.
  const pairs: Uint8Array[] = new Array(width >> 1);
  for (let i = 0; i < pairs.length; i++) pairs[i] = level.subarray(2 * i * HASH_BYTES, (2 * i + 2) * HASH_BYTES);
  while (width > 1) {
    const next = Math.ceil(width / 2);
    const full = width >> 1;
    // sha256dInto reads all of its input before writing, so slot i may overlap pair i (i = 0).
    for (let i = 0; i < full; i++) sha256dInto(pairs[i] as Uint8Array, slots[i] as Uint8Array);
    if (next > full) {
      const left = slots[width - 1] as Uint8Array;
      hashPairInto(left, left, slots[full] as Uint8Array);
    }
    width = next;
  }
  return level.slice(0, HASH_BYTES);
}
