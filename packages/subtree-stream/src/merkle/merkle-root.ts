import { assertHash, HASH_BYTES } from "../hash.ts";
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
  // Level 1 into one flat buffer; every later level is computed in place over it.
  let width = Math.ceil(n / 2);
  const level = new Uint8Array(width * HASH_BYTES);
  for (let i = 0; i < width; i++) {
    const left = leaves[2 * i] as Uint8Array;
    const right = leaves[2 * i + 1] ?? left;
    hashPairInto(left, right, level.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES));
  }
  while (width > 1) {
    const next = Math.ceil(width / 2);
    for (let i = 0; i < next; i++) {
      const left = level.subarray(2 * i * HASH_BYTES, (2 * i + 1) * HASH_BYTES);
      const right = 2 * i + 1 < width ? level.subarray((2 * i + 1) * HASH_BYTES, (2 * i + 2) * HASH_BYTES) : left;
      hashPairInto(left, right, level.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES));
    }
    width = next;
  }
  return level.slice(0, HASH_BYTES);
}
