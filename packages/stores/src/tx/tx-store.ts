/** One transaction to store. `hash` is the txid in internal byte order (32 bytes). */
export interface TxRecord {
  hash: Uint8Array;
  /** Standard serialisation; what `getTxs` returns and what `subtree_data` is built from. */
  standard: Uint8Array;
  /** Extended Format (BIP-239) bytes, when known; `/tx/:hash` prefers them. */
  extended?: Uint8Array | undefined;
  /** Fee in satoshis, when known. */
  fee?: number | bigint | undefined;
  /** Size in bytes as the subtree node records it. */
  size: number;
}

/**
 * Transactions stored by where their standard bytes lie in one file the caller keeps (e.g. the
 * verified `.subtreeData`), not as bytes: the store keeps ~50 bytes of index a tx and reads the
 * bytes from the file (see the README's "Layout"). Columns, not an object per tx: a million-tx
 * commit would otherwise make a million objects of garbage. The file must stay where it is,
 * unchanged, for as long as its txs are stored.
 */
export interface LocatedBatch {
  /** The file; recorded relative to the store's own directory, so a data directory can move whole. */
  path: string;
  /** The txids, internal order, 32 bytes each, back to back. */
  hashes: Uint8Array;
  /** Byte offset of each tx in the file. */
  offsets: Float64Array;
  /** Length of each tx's standard bytes (also its size). */
  lengths: Uint32Array;
}

/** What `getTx` returns for a stored transaction. */
export interface StoredTx {
  standard: Uint8Array;
  extended?: Uint8Array;
  fee?: bigint;
  size: number;
}

/** Options every async tx store call takes. */
export interface SignalOption {
  signal?: AbortSignal | undefined;
}

/** Options of `putTxBatches`. */
export interface PutOptions extends SignalOption {
  /**
   * The caller's promise: every hash in the batches is distinct, and `has()` reported each absent
   * after `mark()` returned this value. Then only a tx added since can already be stored: SQLite
   * looks up only the rows whose key matches one added since (up to 65 536 added; beyond that,
   * every row is looked up as without this option).
   */
  absentAt?: number | undefined;
}

/**
 * A transaction store. Two backends implement it: `SqliteTxStore` (embedded default) and
 * `PostgresTxStore` (shared by several replicas). `getTxs` matches the ordered writer's
 * `TxSource`, so a store can be passed to `writeSubtreeData` as is.
 *
 * @example
 * ```ts
 * const txs = await openTxStore("sqlite://./data/txstore.sqlite");
 * await txs.putTxs([{ hash, standard, size: standard.length }]);
 * const [bytes] = await txs.getTxs([hash]);
 * await txs.close();
 * ```
 */
export interface TxStore {
  /** Standard bytes of each hash, in request order; `undefined` where unknown. */
  getTxs(hashes: readonly Uint8Array[], signal?: AbortSignal): Promise<(Uint8Array | undefined)[]>;
  /** One transaction with its extended form, fee and size; `undefined` when unknown. */
  getTx(hash: Uint8Array, options?: SignalOption): Promise<StoredTx | undefined>;
  /** Whether each hash is stored, in request order. */
  has(hashes: readonly Uint8Array[], options?: SignalOption): Promise<boolean[]>;
  /** How many of `hashes` are not stored (duplicates count each time). */
  missing(hashes: readonly Uint8Array[], options?: SignalOption): Promise<number>;
  /**
   * Stores every record in one transaction: all or nothing. A hash already stored keeps its
   * bytes (a txid names one transaction); a newly supplied `extended` form is added to it.
   */
  putTxs(records: readonly TxRecord[], options?: SignalOption): Promise<void>;
  /**
   * `putTxs` for more records than should be in memory at once: every record of every batch in
   * one transaction, all or nothing; the next batch is pulled only once the previous one is
   * written, and none is kept, so a caller can read batches from disk as the store asks for them
   * (the peer validator commits a streamed subtree from its temp file this way). The iterable is
   * synchronous because SQLite's transaction is: nothing else of the process can run inside it.
   * An error thrown by the iterable rolls everything back. A {@link LocatedBatch} is kept as
   * its locations where the backend indexes files (SQLite), else its bytes are read and stored.
   *
   * @example
   * ```ts
   * await txs.putTxBatches(readBatchesFromFile(path)); // a generator of TxRecord[]
   * ```
   */
  putTxBatches?(batches: Iterable<readonly TxRecord[] | LocatedBatch>, options?: PutOptions): Promise<void>;
  /**
   * A value that changes whenever a tx is added (SQLite: the highest rowid; rows are never
   * deleted). Taken before a `has()`, it lets `putTxBatches({ absentAt })` skip looking up again
   * what `has()` found absent, but for what writers added in between. Optional.
   *
   * @example
   * ```ts
   * const mark = await txs.mark?.();
   * const known = await txs.has(hashes);
   * await txs.putTxBatches(batchesOfTheAbsent, { absentAt: mark });
   * ```
   */
  mark?(options?: SignalOption): Promise<number>;
  /**
   * Before a file given as a {@link LocatedBatch}'s `path` is deleted (blob pruning): copies the
   * bytes of every tx stored as a place in it into its row, a bounded chunk per transaction, and
   * forgets the file; returns how many rows were re-homed (0 for a file the store does not know).
   * Rows are re-homed, not deleted: a txid stored explicitly keeps the row a located batch made
   * first. Throws (`MISSING_DATA` when the file cannot be read) and leaves the file known, with
   * the chunks done before re-homed: the caller must then keep the file. Optional; a backend that
   * keeps bytes returns 0.
   *
   * @example
   * ```ts
   * await blobs.pruneExpired(height, { beforeUnlink: (path, signal) => txs.releaseFile?.(path, { signal }) });
   * ```
   */
  releaseFile?(path: string, options?: SignalOption): Promise<number>;
  /** Number of stored transactions. */
  count(options?: SignalOption): Promise<number>;
  /** Releases the database; idempotent. Calls after close reject. */
  close(): Promise<void>;
}
