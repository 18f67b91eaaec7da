import { assertHash } from "../hash.ts";
import { hashPairInto } from "./hash-pair.ts";
import { MerkleBuilder } from "./merkle-builder.ts";
import { merkleRoot } from "./merkle-root.ts";

/** Height of a merkle tree over `leaves` leaves: ⌈log2(leaves)⌉. */
export function merkleHeight(leaves: number): number {
  if (!Number.isSafeInteger(leaves) || leaves < 1) throw new RangeError(`leaf count must be >= 1: ${leaves}`);
  let h = 0;
  while (2 ** h < leaves) h++;
  return h;
}

/**
 * Lifts a subtree root from height `fromHeight` to `toHeight` by hashing it with itself once per
 * missing level (go-subtree `RootHashPadded`), so a short last subtree joins the block tree as if
 * padded to full size.
 *
 * @example
 * liftRoot(root, merkleHeight(76), 8)
 */
export function liftRoot(root: Uint8Array, fromHeight: number, toHeight: number): Uint8Array {
  assertHash(root, "subtree root");
  const out = root.slice();
  for (let h = fromHeight; h < toHeight; h++) hashPairInto(out, out, out);
  return out;
}

/** Options of `blockMerkleRoot`. */
export interface BlockMerkleOptions {
  /** Leaves of each subtree, in block order (all but the last equal to a power of two). */
  subtreeLeaves: readonly number[];
  /**
   * Lift the last subtree's root to the height of the others. Default true; false reproduces the
   * old reference (no lift), which fails when the last subtree is at most half full.
   */
  lift?: boolean;
}

/**
 * Block merkle root from subtree roots (Teranode `Block.CheckMerkleRoot`): the roots must already
 * have the coinbase in subtree 0 (`subtreeRootWithCoinbase`); one subtree → its root; otherwise
 * the go-subtree merkle of the roots, each lifted to the first subtree's height. Needs only the
 * roots and leaf counts, never the nodes.
 *
 * @example
 * blockMerkleRoot([root0, root1], { subtreeLeaves: [1024, 332] })
 */
export function blockMerkleRoot(subtreeRoots: readonly Uint8Array[], options: BlockMerkleOptions): Uint8Array {
  const { subtreeLeaves, lift = true } = options;
  if (subtreeRoots.length === 0) throw new RangeError("block merkle root of zero subtrees");
  if (subtreeLeaves.length !== subtreeRoots.length) {
    throw new RangeError(`${subtreeRoots.length} subtree roots but ${subtreeLeaves.length} leaf counts`);
  }
  if (subtreeRoots.length === 1) return (subtreeRoots[0] as Uint8Array).slice();
  const height = merkleHeight(subtreeLeaves[0] as number);
  const roots = subtreeRoots.map((root, i) =>
    lift ? liftRoot(root, merkleHeight(subtreeLeaves[i] as number), height) : root,
  );
  return merkleRoot(roots);
}

/**
 * Root of a block's first subtree with node 0 (the placeholder) replaced by the coinbase txid.
 *
 * @example
 * const root0 = subtreeRootWithCoinbase(nodes, txid(coinbaseTx));
 */
export function subtreeRootWithCoinbase(nodes: readonly Uint8Array[], coinbaseTxid: Uint8Array): Uint8Array {
  assertHash(coinbaseTxid, "coinbase txid");
  return merkleRoot([coinbaseTxid, ...nodes.slice(1)]);
}

/**
 * Streaming root of a subtree from node chunks (e.g. `readSubtreeNodes`), optionally with node 0
 * replaced by `coinbaseTxid`; O(log n) memory. Returns the root and the leaf count.
 *
 * @example
 * const { root, leaves } = await subtreeRootFromChunks(readSubtreeNodes(res.body), { coinbaseTxid });
 */
export async function subtreeRootFromChunks(
  chunks: AsyncIterable<readonly Uint8Array[]> | Iterable<readonly Uint8Array[]>,
  options: { coinbaseTxid?: Uint8Array } = {},
): Promise<{ root: Uint8Array; leaves: number }> {
  const builder = new MerkleBuilder();
  const zeroth = options.coinbaseTxid;
  if (zeroth) assertHash(zeroth, "coinbase txid");
  for await (const chunk of chunks) {
    for (const node of chunk) builder.push(builder.length === 0 && zeroth ? zeroth : node);
  }
  return { root: builder.root(), leaves: builder.length };
}
