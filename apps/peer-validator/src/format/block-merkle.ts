import { liftRoot, merkleRoot, subtreeHeight } from "./merkle.ts";

/** What the block merkle check needs of each subtree, in block order. */
export interface SubtreeShape {
  /** Verified root (= the subtree hash). */
  root: Uint8Array;
  leaves: number;
}

/**
 * Teranode `Block.CheckMerkleRoot`: put the coinbase txid in place of node 0 of subtree 0 and
 * recompute that root; one subtree → its root; otherwise lift a short last subtree to the height
 * of the others (go-subtree `RootHashPadded`, else blocks whose last subtree is under half full
 * fail: vectors/MANIFEST.md §4) and merkle the roots.
 */
export function blockMerkleRoot(
  subtree0Nodes: Uint8Array,
  coinbaseTxid: Uint8Array,
  shapes: SubtreeShape[],
): Uint8Array {
  const first = subtree0Nodes.slice();
  first.set(coinbaseTxid, 0);
  const root0 = merkleRoot(first);
  if (shapes.length === 1) return root0;
  const height = subtreeHeight(shapes[0]!.leaves);
  const roots = new Uint8Array(shapes.length * 32);
  shapes.forEach((s, i) => {
    const r = i === 0 ? root0 : liftRoot(s.root, height - subtreeHeight(s.leaves));
    roots.set(r, i * 32);
  });
  return merkleRoot(roots);
}
