/**
 * Where the writer gets tx bytes. `getTxs` answers in request order, `undefined` for a tx it does
 * not have, and should stop work when `signal` aborts (the writer stops waiting either way).
 *
 * @example
 * ```ts
 * const source: TxSource = { getTxs: async (hashes) => hashes.map((h) => map.get(toHex(h))) };
 * ```
 */
export interface TxSource {
  getTxs(hashes: readonly Uint8Array[], signal?: AbortSignal): Promise<(Uint8Array | undefined)[]>;
}

/**
 * Where the writer puts bytes. A returned promise is awaited before the next write: that is the
 * backpressure that keeps a slow client or disk from letting the build run ahead.
 *
 * @example
 * ```ts
 * const parts: Uint8Array[] = [];
 * const sink: TxSink = { write: (b) => void parts.push(b) };
 * ```
 */
export interface TxSink {
  write(bytes: Uint8Array): void | Promise<void>;
}

/** What `onChunk` sees: one event per chunk per phase, with the counts a test or metric needs. */
export interface ChunkEvent {
  /** "fetch" when its fetch starts, "fetched" when it resolved, "written" after its last write. */
  phase: "fetch" | "fetched" | "written";
  /** Chunk number, from 0. */
  index: number;
  /** Nodes in this chunk. */
  nodes: number;
  /** Fetches in flight after this event (≤ concurrency). */
  fetching: number;
  /** Chunks scheduled but not yet written, fetching or buffered, after this event (≤ window). */
  inFlight: number;
}

/** Options of {@link writeSubtreeData}. */
export interface WriteSubtreeDataOptions {
  /** Node hashes in order, in arrays of any size; the writer re-chunks them to `chunkSize`. */
  nodes: AsyncIterable<readonly Uint8Array[]> | Iterable<readonly Uint8Array[]>;
  source: TxSource;
  sink: TxSink;
  /** Txs per fetch. Default 10000 (`asset_subtreeDataStreamingChunkSize`). */
  chunkSize?: number;
  /**
   * Most bytes per fetch, as summed by `nodeBytes` (a chunk ends before it would pass this; a
   * single bigger tx is a chunk of its own). Default: no byte limit, only `chunkSize`. With it,
   * memory is bounded by `window × chunkBytes` (plus one tx) whatever the tx sizes.
   */
  chunkBytes?: number;
  /** The expected size of node `index`'s tx, e.g. the size a full-form subtree stores per node. Needed by `chunkBytes`. */
  nodeBytes?: (node: Uint8Array, index: number) => number;
  /** Fetches in flight at once. Default 2 (`asset_subtreeDataStreamingConcurrency`). */
  concurrency?: number;
  /**
   * How far ahead of the next chunk to write a chunk may be scheduled: chunk j starts only when
   * j < nextToWrite + window. Default `concurrency`. This bounds memory to `window` chunks even
   * when the head chunk is slow, where the reference's unwindowed scheduler piled up results and
   * aborted healthy streams.
   */
  window?: number;
  signal?: AbortSignal;
  /** Standard bytes of the block's coinbase, written in place of a placeholder node 0; else skipped. */
  coinbase?: Uint8Array;
  /** Instrumentation: called synchronously on every chunk phase change. Must not throw. */
  onChunk?: (event: ChunkEvent) => void;
}

/** What {@link writeSubtreeData} wrote. */
export interface WriteSubtreeDataResult {
  txs: number;
  bytes: number;
}
