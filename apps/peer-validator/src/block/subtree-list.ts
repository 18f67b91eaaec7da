import { firstRepeatedHash, type ModelBlock, toDisplayHex } from "@subtreekit/subtree-stream";

/**
 * What is wrong with a block's subtree list, or undefined. The header's hash does not cover the
 * list, so a peer can change it: the all-zero hash, or a subtree listed twice (a repeated last
 * subtree keeps the block merkle root, CVE-2012-2459, and would list its txs twice).
 */
export function subtreeListProblem(block: ModelBlock): string | undefined {
  if (block.subtrees.some((h) => h.every((b) => b === 0))) return "lists the all-zero subtree hash";
  const repeat = firstRepeatedHash(Buffer.concat(block.subtrees));
  if (repeat) return `lists subtree ${repeat[1]} again as ${repeat[0]} (${toDisplayHex(block.subtrees[repeat[0]]!)})`;
  return undefined;
}
