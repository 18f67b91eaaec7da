import { COINBASE_PLACEHOLDER, type SubtreeNode, sha256dInto } from "@subtreekit/subtree-stream";
import type { SyntheticTxFactory } from "./synthetic-tx.ts";

/** One node of a seeded subtree: a synthetic tx and its txid, or the coinbase placeholder. */
export interface SyntheticLeaf {
  hash: Uint8Array;
  /** The tx's bytes; undefined for the coinbase placeholder. */
  tx: Uint8Array | undefined;
}

/**
 * The `count` nodes of one seeded subtree, made one at a time from `factory` (the first is the
 * coinbase placeholder when `placeholderFirst`). Two factories in the same state give the same
 * leaves, which is how `seed` writes the subtree file after its txs without keeping them.
 */
export function* syntheticLeaves(
  factory: SyntheticTxFactory,
  count: number,
  placeholderFirst: boolean,
): Generator<SyntheticLeaf> {
  for (let i = 0; i < count; i++) {
    if (placeholderFirst && i === 0) {
      yield { hash: COINBASE_PLACEHOLDER, tx: undefined };
      continue;
    }
    const tx = factory.next();
    yield { hash: sha256dInto(tx, new Uint8Array(32)), tx };
  }
}

/** The subtree node of a leaf: fee 0 (a standard tx does not carry its input amounts). */
export function leafNode(leaf: SyntheticLeaf): SubtreeNode {
  return { hash: leaf.hash, fee: 0, size: leaf.tx?.length ?? 0 };
}
