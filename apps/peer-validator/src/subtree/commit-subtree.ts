import type { Session } from "../session.ts";
import type { BlobWriter } from "../types.ts";
import { CollectEvery } from "./collect-every.ts";
import type { NodeHashes } from "./node-hashes.ts";
import type { StagedSubtree } from "./staged.ts";
import { locatedBatches } from "./staged-in-file.ts";
import { subtreeFileChunks } from "./subtree-file-chunks.ts";

/** Located records per batch of the commit's one transaction (~50 bytes of index each). */
const LOCATED_BATCH = 8192;
/** Staged txs from which a commit first collects the stream's garbage (see {@link storeTxs}). */
const COLLECT_FROM = 65_536;

/**
 * Commits a fully verified subtree, in the order that keeps "subtree stored ⇒ everything it needs
 * is stored": the `.subtreeData` file (every byte verified), then the missing txs in one
 * all-or-nothing store transaction, then the subtree file (go-subtree full form; the blob store
 * adds the magic header) last. Staged txs are stored as where they lie in the published data file
 * (its txs' only copy); if another writer published it first, as bytes read from our temp file.
 * A crash or failure between the steps leaves a verified data file and no subtree: never a row
 * without its bytes. Runs to the end once started, so a cancel cannot leave half a commit.
 */
export async function commitSubtree(
  s: Session,
  hash: Uint8Array,
  nodes: NodeHashes,
  staged: StagedSubtree,
  dataWriter: BlobWriter | undefined,
  absentAt?: number,
): Promise<void> {
  let home: string | undefined;
  try {
    await staged.inFile?.flush();
    if (dataWriter) {
      home = await dataWriter.commit().then(
        () => dataWriter.finalPath,
        (err: unknown) => {
          // Published by another writer first: ours stays readable until aborted.
          if ((err as Error | undefined)?.name === "FileExistsError") return undefined;
          throw err;
        },
      );
    }
    await storeTxs(s, nodes, staged, home, absentAt);
  } catch (err) {
    await dataWriter?.abort(err);
    throw err;
  }
  if (home === undefined) await dataWriter?.abort();
  if (await s.blobStore.exists(hash, "subtree")) return; // validated meanwhile by someone else
  // the root is the hash just verified: no need to recompute it (buildSubtree would)
  const w = await s.blobStore.createWriter(hash, "subtree");
  try {
    // 48 bytes a node in fresh pieces: 48 MiB of garbage at 1M nodes, the peak if left to pile up
    const collect = new CollectEvery(16 << 20);
    for (const chunk of subtreeFileChunks(hash, nodes, staged.fees, staged.sizes)) {
      await w.write(chunk);
      collect.add(chunk.length);
    }
    await w.commit();
  } catch (err) {
    await w.abort(err);
    throw err;
  }
}

/**
 * The staged txs in one tx-store transaction: located in `home`, the published data file, when
 * the store takes batches; else read back from the temp file batch by batch; else from memory.
 */
async function storeTxs(
  s: Session,
  nodes: NodeHashes,
  staged: StagedSubtree,
  home: string | undefined,
  absentAt: number | undefined,
): Promise<void> {
  const inFile = staged.inFile;
  // Every staged tx was absent at has() after `absentAt`, and the nodes are distinct (fetchNodes).
  const put = { absentAt };
  if (!inFile) {
    if (staged.txs.length === 0) return;
    if (s.txStore.putTxBatches) await s.txStore.putTxBatches([staged.txs], put);
    else await s.txStore.putTxs(staged.txs);
    return;
  }
  if (inFile.count === 0) return;
  // The stream left tens of MiB of dead chunks and tx views (~35 MiB at 500 000 txs) that the
  // store's page cache would pile on top of; one full collection first keeps the peaks apart.
  if (inFile.count >= COLLECT_FROM) Bun.gc(true);
  const maxBytes = s.settings.peer_commit_batch_bytes;
  if (home !== undefined && s.txStore.putTxBatches) {
    await s.txStore.putTxBatches(locatedBatches(inFile, nodes, home, LOCATED_BATCH, maxBytes), put);
    return;
  }
  const batches = inFile.batches(nodes, maxBytes, home);
  if (s.txStore.putTxBatches) await s.txStore.putTxBatches(batches, put);
  else await s.txStore.putTxs([...batches].flat()); // a store without batches: all in memory, as before
}
