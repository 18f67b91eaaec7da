import type { TxRecord } from "@subtreekit/stores";
import {
  isCoinbasePlaceholder,
  type Subtree,
  type SubtreeNode,
  serializeSubtree,
  subtreeRootHash,
} from "@subtreekit/subtree-stream";
import type { ImportTxStore } from "./commit-unit.ts";
import type { DataInput } from "./data-input.ts";
import type { SubtreeInput } from "./subtree-input.ts";
import type { PlannedBlob } from "./unit.ts";

/** What storing one subtree (and maybe its data) adds to a unit. */
export interface SubtreePlan {
  txs: TxRecord[];
  blobs: PlannedBlob[];
  full: Subtree;
  /** Nodes whose fee/size are 0 because no tx was at hand (nodes-only input without its data). */
  unknownNodes: number;
}

/**
 * The full form to store for a verified subtree. A full-form file is kept as given. For a
 * nodes-only file each node's fee and size come from its tx: from the data file when given,
 * else from the tx store when the tx is already there, else 0 (the reference's placeholder
 * values; `/subtree/:hash/json` then shows 0 for them).
 */
export async function planSubtree(
  input: SubtreeInput,
  data: DataInput | undefined,
  options: { keepSubtreeData: boolean; txStore: ImportTxStore; signal?: AbortSignal },
): Promise<SubtreePlan> {
  let full = input.full;
  let unknownNodes = 0;
  if (!full) {
    const nodes: SubtreeNode[] = [];
    // One batched lookup says which txs are stored; only those are read one by one.
    const present = data ? [] : await options.txStore.has(input.nodes, { signal: options.signal });
    for (let i = 0; i < input.nodes.length; i++) {
      const hash = input.nodes[i] as Uint8Array;
      let info = data?.byNode.get(i);
      if (!data && !isCoinbasePlaceholder(hash)) {
        const stored = present[i] ? await options.txStore.getTx(hash, { signal: options.signal }) : undefined;
        if (stored) info = { fee: Number(stored.fee ?? 0n), size: stored.size };
        else unknownNodes++;
      }
      nodes.push({ hash, fee: info?.fee ?? 0, size: info?.size ?? 0 });
    }
    let fees = 0;
    let sizeInBytes = 0;
    for (const n of nodes) {
      fees += n.fee;
      sizeInBytes += n.size;
    }
    full = { magic: undefined, storedRoot: subtreeRootHash({ nodes }), fees, sizeInBytes, nodes, conflictingNodes: [] };
  }
  const blobs: PlannedBlob[] = [{ hash: input.hash, type: "subtree", bytes: serializeSubtree(full, { magic: null }) }];
  if (data && options.keepSubtreeData) blobs.push({ hash: input.hash, type: "subtreeData", bytes: data.payload });
  return { txs: data?.records ?? [], blobs, full, unknownNodes };
}
