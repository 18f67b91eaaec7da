import type { TxRecord } from "../types.ts";
import type { StagedInFile } from "./staged-in-file.ts";

/**
 * What a verified subtree will commit: the txs the local store lacks, and each node's fee and
 * standard size for the stored full subtree. Nothing here touches a store until `commit`.
 * A streamed subtree whose sink has a temp file stages its txs `inFile` (bounded memory);
 * otherwise (POST /txs, bounded by the missing share; a stream without a temp file) in `txs`.
 */
export class StagedSubtree {
  readonly txs: TxRecord[] = [];
  readonly inFile: StagedInFile | undefined;
  readonly fees: Float64Array;
  readonly sizes: Float64Array;
  constructor(nodes: number, inFile?: StagedInFile) {
    this.fees = new Float64Array(nodes);
    this.sizes = new Float64Array(nodes);
    this.inFile = inFile;
  }

  /** Txs the commit will store. */
  get count(): number {
    return this.inFile ? this.inFile.count : this.txs.length;
  }
}
