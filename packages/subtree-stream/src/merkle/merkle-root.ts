import { MerkleBuilder } from "./merkle-builder.ts";

/**
 * Merkle root of `leaves` with the go-subtree rule (`BuildMerkleTreeStoreFromBytes`): pad with
 * zero hashes to a power of two; (x, y) → H(x‖y); (x, 0) → H(x‖x); (0, 0) → 0; one leaf → itself.
 * Runs through `MerkleBuilder`, which measured faster than a level-by-level pass (no per-slot
 * views to allocate) and keeps only O(log n) hashes. Throws RangeError for no leaves.
 *
 * @example
 * merkleRoot(parseSubtreeNodes(body)) // equals the subtree's hash
 */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) throw new RangeError("merkle root of zero leaves");
  const builder = new MerkleBuilder();
  for (const leaf of leaves) builder.push(leaf);
  return builder.root();
}
