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

/** Txs stored by where their standard bytes lie in one file (the verified `.subtreeData`), in columns. */
export interface LocatedBatch {
  path: string;
  /** Txids, 32 bytes each, back to back. */
  hashes: Uint8Array;
  offsets: Float64Array;
  lengths: Uint32Array;
}

export interface TxStoreLike {
  /** One boolean per hash, in order: true when the store holds that tx. */
  has(hashes: Uint8Array[], options?: { signal?: AbortSignal }): Promise<boolean[]>;
  /** All-or-nothing: one transaction. */
  putTxs(txs: TxRecord[], options?: { signal?: AbortSignal }): Promise<unknown>;
  /**
   * All batches in one transaction, pulled one at a time (`@subtreekit/stores` has it): how a
   * streamed subtree's txs go into the store without all being in memory, as located batches
   * where their data file was published. A store without it gets them all as bytes in one `putTxs`.
   */
  putTxBatches?(
    batches: Iterable<TxRecord[] | LocatedBatch>,
    options?: { signal?: AbortSignal; absentAt?: number | undefined },
  ): Promise<unknown>;
  /**
   * Changes whenever a tx is added (`@subtreekit/stores` has it). Taken before `has()`, it lets
   * the commit's `putTxBatches({ absentAt })` skip looking up again the txs `has()` found absent.
   */
  mark?(options?: { signal?: AbortSignal }): Promise<number>;
}

export type BlobType = "subtree" | "subtreeData" | "block";

/** An atomic file being written: nothing is visible under the final name until `commit`. */
export interface BlobWriter {
  write(chunk: Uint8Array): unknown;
  commit(): Promise<unknown>;
  abort(reason?: unknown): Promise<unknown> | unknown;
  /**
   * The temp file being written, its header length, and a flush to it (the file blob store's
   * atomic sink has all three): a streamed subtree's missing txs are read back from it at commit
   * instead of being held in memory. Without them they are held in memory.
   */
  readonly tempPath?: string;
  /** Where `commit` publishes it: the home of located records. */
  readonly finalPath?: string;
  readonly headerBytes?: number;
  flush?(): Promise<unknown>;
}

export interface BlobStoreLike {
  exists(hash: Uint8Array, type: BlobType, options?: { signal?: AbortSignal }): Promise<boolean>;
  /** The blob's body (magic header stripped), or undefined when absent. */
  get(hash: Uint8Array, type: BlobType, options?: { signal?: AbortSignal }): Promise<Uint8Array | undefined>;
  createWriter(hash: Uint8Array, type: BlobType, options?: { signal?: AbortSignal }): Promise<BlobWriter> | BlobWriter;
  /**
   * Hashes of every stored blob of a type (`@subtreekit/stores` has it): catchup builds its block
   * locator from the stored blocks. Without it the locator is empty and the peer starts at the
   * oldest block it has.
   */
  list?(type: "block", options?: { signal?: AbortSignal }): AsyncIterable<Uint8Array>;
}

/** Settings the validator reads; teranode key names where one exists. */
export interface ValidatorSettings {
  peer_retry_max_attempts: number;
  peer_retry_initial_delay_ms: number;
  peer_retry_max_delay_ms: number;
  peer_retry_max_retry_after_ms: number;
  /** Per-attempt timeout (headers and body) of every peer request, ms; streamed bodies may get more (http_min_body_rate). */
  http_streaming_timeout: number;
  /** No response headers, or no body byte, for this long ends the attempt and drops the peer for the run, ms. */
  http_stall_timeout: number;
  /** Slowest body rate a streamed attempt is budgeted for, bytes/s (see attemptBudgetMs). */
  http_min_body_rate: number;
  max_subtree_leaves: number;
  max_tx_bytes: number;
  subtreevalidation_percentageMissingGetFullData: number;
  subtreevalidation_missingTransactionsBatchSize: number;
  subtreevalidation_getMissingTransactions: number;
  /**
   * Bytes of a streamed subtree's missing txs read back from its temp file and handed to the tx
   * store at once while committing (a larger tx goes alone). Bounds the commit's memory whatever
   * the subtree's size. Programmatic only (not a settings.conf key).
   */
  peer_commit_batch_bytes: number;
}

export const DEFAULT_VALIDATOR_SETTINGS: ValidatorSettings = {
  peer_retry_max_attempts: 6,
  peer_retry_initial_delay_ms: 250,
  peer_retry_max_delay_ms: 5000,
  peer_retry_max_retry_after_ms: 30_000,
  http_streaming_timeout: 300_000,
  http_stall_timeout: 30_000,
  http_min_body_rate: 1024 * 1024,
  max_subtree_leaves: 1_048_576,
  max_tx_bytes: 32 * 1024 * 1024,
  subtreevalidation_percentageMissingGetFullData: 20,
  subtreevalidation_missingTransactionsBatchSize: 16_384,
  subtreevalidation_getMissingTransactions: 4,
  peer_commit_batch_bytes: 4 * 1024 * 1024,
};
