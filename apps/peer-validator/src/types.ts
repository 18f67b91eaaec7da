/**
 * The parts of `@subtreekit/stores` the validator uses, as structural types, so the programmatic
 * API accepts the real stores or anything shaped like them.
 */
export interface TxRecord {
  hash: Uint8Array;
  standard: Uint8Array;
  extended?: Uint8Array;
  fee?: number;
  size: number;
}

export interface TxStoreLike {
  /** One boolean per hash, in order: true when the store holds that tx. */
  has(hashes: Uint8Array[], options?: { signal?: AbortSignal }): Promise<boolean[]>;
  /** All-or-nothing: one transaction. */
  putTxs(txs: TxRecord[], options?: { signal?: AbortSignal }): Promise<unknown>;
}

export type BlobType = "subtree" | "subtreeData" | "block";

/** An atomic file being written: nothing is visible under the final name until `commit`. */
export interface BlobWriter {
  write(chunk: Uint8Array): unknown;
  commit(): Promise<unknown>;
  abort(reason?: unknown): Promise<unknown> | unknown;
}

export interface BlobStoreLike {
  exists(hash: Uint8Array, type: BlobType, options?: { signal?: AbortSignal }): Promise<boolean>;
  /** The blob's body (magic header stripped), or undefined when absent. */
  get(hash: Uint8Array, type: BlobType, options?: { signal?: AbortSignal }): Promise<Uint8Array | undefined>;
  createWriter(hash: Uint8Array, type: BlobType, options?: { signal?: AbortSignal }): Promise<BlobWriter> | BlobWriter;
}

/** Settings the validator reads; teranode key names where one exists. */
export interface ValidatorSettings {
  peer_retry_max_attempts: number;
  peer_retry_initial_delay_ms: number;
  peer_retry_max_delay_ms: number;
  peer_retry_max_retry_after_ms: number;
  /** Per-attempt timeout (headers and body) of every peer request, ms. */
  http_streaming_timeout: number;
  max_subtree_leaves: number;
  max_tx_bytes: number;
  subtreevalidation_percentageMissingGetFullData: number;
  subtreevalidation_missingTransactionsBatchSize: number;
  subtreevalidation_getMissingTransactions: number;
}

export const DEFAULT_VALIDATOR_SETTINGS: ValidatorSettings = {
  peer_retry_max_attempts: 6,
  peer_retry_initial_delay_ms: 250,
  peer_retry_max_delay_ms: 5000,
  peer_retry_max_retry_after_ms: 30_000,
  http_streaming_timeout: 300_000,
  max_subtree_leaves: 1_048_576,
  max_tx_bytes: 32 * 1024 * 1024,
  subtreevalidation_percentageMissingGetFullData: 20,
  subtreevalidation_missingTransactionsBatchSize: 16_384,
  subtreevalidation_getMissingTransactions: 4,
};
