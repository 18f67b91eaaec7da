import type { TxRecord } from "@subtreekit/stores";

/** Blob types an import writes. */
export type ImportBlobType = "subtree" | "subtreeData" | "block";

export interface PlannedBlob {
  hash: Uint8Array;
  type: ImportBlobType;
  /** Payload without the 8-byte magic (the store writes it). */
  bytes: Uint8Array;
}

/**
 * Everything one input (a file, or a block with its subtree files) will store, built and fully
 * verified before anything is written: all or nothing per input.
 */
export interface ImportUnit {
  /** The file the user named (a block's subtree files are listed in `files`). */
  file: string;
  /** Every file read for this unit. */
  files: string[];
  kind: "model-block" | "wire-block" | "subtree" | "subtree-data" | "tx";
  /** Display hash of the block, subtree or tx. */
  hash: string;
  txs: TxRecord[];
  /** Written in order: subtrees, then data, then the block, so a visible block has its subtrees. */
  blobs: PlannedBlob[];
  /** One line for the report, e.g. "block 0000…2824 height 171, 32 subtrees, 1023 txs". */
  summary: string;
}
