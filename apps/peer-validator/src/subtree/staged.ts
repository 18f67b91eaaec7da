import type { TxRecord } from "../types.ts";

/**
 * What a verified subtree will commit: the txs the local store lacks, and each node's fee and
 * standard size for the stored full subtree. Nothing here touches a store until `commit`.
 */
export class StagedSubtree {
  readonly txs: TxRecord[] = [];
  readonly fees: Float64Array;
  readonly sizes: Float64Array;
  constructor(nodes: number) {
    this.fees = new Float64Array(nodes);
    this.sizes = new Float64Array(nodes);
  }
}
