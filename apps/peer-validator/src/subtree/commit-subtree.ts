import type { Session } from "../session.ts";
import type { BlobWriter } from "../types.ts";
import type { NodeHashes } from "./node-hashes.ts";
import type { StagedSubtree } from "./staged.ts";
import { subtreeFileChunks } from "./subtree-file-chunks.ts";

/**
 * Commits a fully verified subtree, in the order that keeps "subtree stored ⇒ everything it needs
 * is stored": the missing txs in one all-or-nothing store transaction, then the `.subtreeData`
 * file, then the subtree file (go-subtree full form; the blob store adds the magic header) last.
 * If the txs cannot be stored, the data file is discarded. Runs to the end once started, so a
 * cancel cannot leave half a commit. Txs staged in the data file's temp file are read back from it
 * in batches of `peer_commit_batch_bytes`, all in the one transaction, before it is published.
 */
export async function commitSubtree(
  s: Session,
  hash: Uint8Array,
  nodes: NodeHashes,
  staged: StagedSubtree,
  dataWriter: BlobWriter | undefined,
): Promise<void> {
  try {
    await storeTxs(s, nodes, staged);
    await dataWriter?.commit();
  } catch (err) {
    await dataWriter?.abort(err);
    throw err;
  }
  if (await s.blobStore.exists(hash, "subtree")) return; // validated meanwhile by someone else
  // the root is the hash just verified: no need to recompute it (buildSubtree would)
  const w = await s.blobStore.createWriter(hash, "subtree");
  try {
    for (const chunk of subtreeFileChunks(hash, nodes, staged.fees, staged.sizes)) await w.write(chunk);
    await w.commit();
  } catch (err) {
    await w.abort(err);
    throw err;
  }
}

/** The staged txs in one tx-store transaction; from the temp file batch by batch when staged there. */
async function storeTxs(s: Session, nodes: NodeHashes, staged: StagedSubtree): Promise<void> {
  const inFile = staged.inFile;
  if (!inFile) {
    if (staged.txs.length > 0) await s.txStore.putTxs(staged.txs);
    return;
  }
  if (inFile.count === 0) return;
  await inFile.flush();
  const batches = inFile.batches(nodes, s.settings.peer_commit_batch_bytes);
  if (s.txStore.putTxBatches) await s.txStore.putTxBatches(batches);
  else await s.txStore.putTxs([...batches].flat()); // a store without batches: all in memory, as before
}
