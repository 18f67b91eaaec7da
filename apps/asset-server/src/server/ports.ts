/**
 * The parts of the stores this server uses, as structural types. The concrete stores come from
 * `@subtreekit/stores`; keeping the server's needs this narrow lets a test inject a store that
 * fails on purpose (e.g. a tx store that throws on its 3rd `getTxs`) without subclassing.
 */

/** Blob types the server reads or writes (Teranode file extensions). */
export type BlobType = "subtree" | "subtreeToCheck" | "subtreeData" | "subtreeMeta" | "block" | "tx";

/** Atomic temp-file writer: nothing is visible under the final name before `commit`. */
export interface AtomicSink {
  write(bytes: Uint8Array): void | Promise<void>;
  commit(): Promise<void>;
  abort(reason?: unknown): Promise<void>;
  readonly tempPath: string;
  /** Reads the temp file from offset 0 as it grows, then the final file after commit. */
  follow(options?: { signal?: AbortSignal }): ReadableStream<Uint8Array>;
  /** What `follow` streams, one chunk per `next()` (`null` at the end): one hop less per chunk. */
  cursor(options?: { signal?: AbortSignal }): { next(): Promise<Uint8Array | null>; close(): Promise<void> };
}

export interface BlobStorePort {
  /** Root directory, when the store is a directory (used to scan stored blocks for the height). */
  readonly root?: string;
  exists(hash: Uint8Array, type: BlobType): Promise<boolean>;
  get(hash: Uint8Array, type: BlobType): Promise<Uint8Array | undefined>;
  /** Absolute path of the blob file (with its 8-byte magic header). */
  path(hash: Uint8Array, type: BlobType): string;
  /** `dah` is recorded before any data, so even a crash mid-build leaves a finite lifetime. */
  createWriter(
    hash: Uint8Array,
    type: BlobType,
    /** `tempName`: a temp file name other replicas can derive (scale-out); default random. */
    options?: { dah?: number; signal?: AbortSignal; tempName?: string },
  ): Promise<AtomicSink>;
  setDAH(hash: Uint8Array, type: BlobType, height: number): Promise<void>;
  /** `beforeUnlink` runs before each expired blob is deleted; a blob whose hook throws is kept. */
  pruneExpired(
    height: number,
    options?: { beforeUnlink?: (path: string, signal: AbortSignal | undefined) => Promise<unknown> },
  ): Promise<unknown>;
  sweepTempFiles(): Promise<unknown>;
  /** `.dah` files whose blob does not exist (a build killed before publishing); see the stores. */
  sweepOrphanDahFiles(options?: { olderThanMs?: number }): Promise<unknown>;
}

export interface TxStorePort {
  /** Standard bytes in request order; `undefined` for an unknown txid. */
  getTxs(hashes: readonly Uint8Array[], signal?: AbortSignal): Promise<(Uint8Array | undefined)[]>;
  getTx(hash: Uint8Array): Promise<{ standard: Uint8Array; extended?: Uint8Array } | undefined>;
  /** Re-homes txs stored as places in a file about to be pruned (the stores' `releaseFile`). */
  releaseFile?(path: string, options?: { signal?: AbortSignal | undefined }): Promise<number>;
  close(): void | Promise<void>;
}
