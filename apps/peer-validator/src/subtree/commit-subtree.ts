import { serializeFullSubtree } from "../format/full-subtree.ts";
import type { Session } from "../session.ts";
import type { BlobWriter } from "../types.ts";
import type { StagedSubtree } from "./staged.ts";

/**
 * Commits a fully verified subtree, in the order that keeps "subtree stored ⇒ everything it needs
 * is stored": the missing txs in one all-or-nothing store transaction, then the `.subtreeData`
 * file, then the subtree file last. If the txs cannot be stored, the data file is discarded.
 * Runs to the end once started (a few ms), so a cancel cannot leave half a commit.
 */
export async function commitSubtree(
  s: Session,
  hash: Uint8Array,
  nodes: Uint8Array,
  staged: StagedSubtree,
  dataWriter: BlobWriter | undefined,
): Promise<void> {
  try {
    if (staged.txs.length > 0) await s.txStore.putTxs(staged.txs);
    await dataWriter?.commit();
  } catch (err) {
    await dataWriter?.abort(err);
    throw err;
  }
  const full = serializeFullSubtree(hash, nodes, staged.fees, staged.sizes);
  if (await s.blobStore.exists(hash, "subtree")) return; // validated meanwhile by someone else
  const w = await s.blobStore.createWriter(hash, "subtree");
  try {
    await w.write(full);
    await w.commit();
  } catch (err) {
    await w.abort(err);
    throw err;
  }
}
