import { isCoinbasePlaceholder } from "@subtreekit/subtree-stream";
import { readSubtreeFileNodeHashes } from "@subtreekit/subtree-stream/bun";
import type { TxStorePort } from "../ports.ts";

/**
 * How many of a subtree's txs the tx store lacks, over every node. The ordered writer stops at the
 * first chunk with a gap, so its `MissingTxError` counts only that chunk; a build that failed
 * before its first byte counts them all (a rare, already-broken case) so the 500 says how many.
 */
export async function countMissingTxs(
  txs: TxStorePort,
  subtreePath: string,
  count: number,
  { signal }: { signal?: AbortSignal } = {},
): Promise<number> {
  let missing = 0;
  for await (const batch of readSubtreeFileNodeHashes(subtreePath, count, { batch: 8192, signal })) {
    const wanted = batch.filter((h) => !isCoinbasePlaceholder(h));
    const got = await txs.getTxs(wanted, signal);
    for (const tx of got) if (tx === undefined) missing++;
  }
  return missing;
}
