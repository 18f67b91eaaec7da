import { type FileHandle, mkdir, open, stat, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { fromDisplayHex } from "@subtreekit/subtree-stream";
import { type AtomicFileSink, createAtomicFileSink } from "@subtreekit/subtree-stream/bun";
import { StorageError } from "../errors/storage-error.ts";
import { blobPath } from "./blob-path.ts";
import { assertBlobType, BLOB_MAGIC, type BlobType, HEADER_BYTES } from "./blob-types.ts";
import { dahPath, ignoreMissing, readDah, writeDah } from "./dah.ts";
import { fileRangeStream } from "./file-range-stream.ts";
import { checkHeader } from "./header.ts";
import { type PruneOptions, pruneExpired, sweepBlobTempFiles, sweepOrphanDahFiles } from "./maintenance.ts";
import { blobDirs, fileNames } from "./walk.ts";

const HEX64 = /^[0-9a-f]{64}$/;

/** Durability of a published blob; see the atomic file sink. */
export type FsyncMode = "full" | "data" | "none";

/** Options of {@link FileBlobStore}. */
export interface FileBlobStoreOptions {
  /** Hex digits of the display hash used as a subdirectory. Default: 2 (Teranode's subtree store). */
  hashPrefix?: number;
  /** Default: "full" (fsync file, rename, fsync directory): a published file survives power loss. */
  fsync?: FsyncMode;
}

/** A byte range of a blob's body (header excluded): `start` inclusive, `end` exclusive. */
export interface BlobRange {
  start: number;
  end?: number;
}

/** Options of {@link FileBlobStore.createWriter} and {@link FileBlobStore.put}. */
export interface BlobWriteOptions {
  /**
   * Delete-at-height recorded (as `.dah`) before any data is published, so even a crash leaves a
   * finite lifetime; never written when the blob already exists.
   */
  dah?: number;
  signal?: AbortSignal;
  /**
   * File name of the temp file (see the atomic file sink's `tempName`): lets another replica
   * sharing the directory find a build in progress by a name it derives. Default: random.
   */
  tempName?: string;
}

/**
 * Blob store on a directory in Teranode's layout (`<root>/<ab>/<ab…>.<type>`, 8-byte magic per
 * file, `.dah` side files), so it can serve an existing Teranode subtree store. Keys are 32-byte
 * hashes (internal order) and types come from a fixed list: no request can name a path.
 *
 * @example
 * ```ts
 * const blobs = new FileBlobStore("/srv/subtreestore", { hashPrefix: 2 });
 * await blobs.put(hash, "subtree", bytes);
 * if (await blobs.exists(hash, "subtree")) return new Response(Bun.file(blobs.path(hash, "subtree")).slice(8));
 * ```
 */
export class FileBlobStore {
  readonly root: string;
  readonly hashPrefix: number;
  readonly fsync: FsyncMode;

  constructor(root: string, options: FileBlobStoreOptions = {}) {
    const { hashPrefix = 2, fsync = "full" } = options;
    if (!Number.isInteger(hashPrefix) || hashPrefix < 0 || hashPrefix > 64) {
      throw new TypeError(`hashPrefix must be an integer from 0 to 64, got ${String(hashPrefix)}`);
    }
    if (fsync !== "full" && fsync !== "data" && fsync !== "none") {
      throw new TypeError(`fsync must be "full", "data" or "none", got ${JSON.stringify(fsync)}`);
    }
    this.root = root;
    this.hashPrefix = hashPrefix;
    this.fsync = fsync;
  }

  /** The file of a blob (header included): serve it with `Bun.file(path).slice(8)`. */
  path(hash: Uint8Array, type: BlobType): string {
    return blobPath(this.root, this.hashPrefix, hash, type);
  }

  /** Whether the blob is published. Temp files of writers in progress are not visible. */
  async exists(hash: Uint8Array, type: BlobType, options: { signal?: AbortSignal } = {}): Promise<boolean> {
    const file = this.path(hash, type);
    options.signal?.throwIfAborted();
    try {
      return (await stat(file)).isFile();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw new StorageError("IO", `cannot stat ${file}: ${(err as Error).message}`, { cause: err, file });
    }
  }

  /** The blob's body (header checked and stripped), or `undefined` when it does not exist. */
  async get(hash: Uint8Array, type: BlobType, options: { signal?: AbortSignal } = {}): Promise<Uint8Array | undefined> {
    const file = this.path(hash, type);
    options.signal?.throwIfAborted();
    let bytes: Uint8Array;
    try {
      bytes = await Bun.file(file).bytes();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new StorageError("IO", `cannot read ${file}: ${(err as Error).message}`, { cause: err, file });
    }
    checkHeader(bytes, type, file);
    return bytes.subarray(HEADER_BYTES);
  }

  /**
   * A stream of the blob's body (or `range` of it) and its length, or `undefined` when the blob
   * does not exist. The header is checked before the stream is returned, and the stream reads
   * from the handle that checked it, so a blob pruned meanwhile still streams completely.
   * Aborting `signal` errors the stream with the signal's reason.
   */
  async getStream(
    hash: Uint8Array,
    type: BlobType,
    options: { range?: BlobRange; signal?: AbortSignal } = {},
  ): Promise<{ stream: ReadableStream<Uint8Array>; size: number } | undefined> {
    const file = this.path(hash, type);
    options.signal?.throwIfAborted();
    let fh: FileHandle;
    try {
      fh = await open(file, "r");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new StorageError("IO", `cannot open ${file}: ${(err as Error).message}`, { cause: err, file });
    }
    try {
      // Header, size and body all from one handle, so all three describe the same inode.
      const head = new Uint8Array(HEADER_BYTES);
      const { bytesRead } = await fh.read(head, 0, HEADER_BYTES, 0);
      checkHeader(head.subarray(0, bytesRead), type, file);
      const total = (await fh.stat()).size - HEADER_BYTES;
      const { start, end } = clampRange(options.range, total);
      const stream = fileRangeStream(fh, HEADER_BYTES + start, HEADER_BYTES + end, options.signal);
      return { stream, size: end - start };
    } catch (err) {
      await fh.close().catch(() => {});
      if (err instanceof StorageError || err instanceof RangeError) throw err;
      throw new StorageError("IO", `cannot read ${file}: ${(err as Error).message}`, { cause: err, file });
    }
  }

  /**
   * Publishes `bytes` atomically (temp file, fsync, link/rename). Rejects with
   * `FileExistsError` when the blob already exists: a published blob is never replaced.
   */
  async put(hash: Uint8Array, type: BlobType, bytes: Uint8Array, options: BlobWriteOptions = {}): Promise<void> {
    if (!(bytes instanceof Uint8Array)) throw new TypeError("blob bytes must be a Uint8Array");
    const sink = await this.createWriter(hash, type, options);
    try {
      await sink.write(bytes);
      await sink.commit();
    } catch (err) {
      await sink.abort(err).catch(() => {});
      throw err;
    }
  }

  /**
   * An atomic file sink for the blob, its header already written: `write` the body, then
   * `commit()` to publish or `abort()` to leave nothing. Rejects with `FileExistsError` when the
   * blob already exists (serve that file instead); of two writers racing for one key exactly one
   * publishes and the other's `commit()` rejects with `FileExistsError`.
   */
  async createWriter(hash: Uint8Array, type: BlobType, options: BlobWriteOptions = {}): Promise<AtomicFileSink> {
    const file = this.path(hash, type);
    options.signal?.throwIfAborted();
    if (options.dah !== undefined && (!Number.isSafeInteger(options.dah) || options.dah < 0)) {
      throw new TypeError(`dah must be a non-negative integer block height, got ${String(options.dah)}`);
    }
    await mkdir(dirname(file), { recursive: true });
    const sinkOptions: Parameters<typeof createAtomicFileSink>[1] = { header: BLOB_MAGIC[type], fsync: this.fsync };
    if (options.signal) sinkOptions.signal = options.signal;
    if (options.tempName !== undefined) sinkOptions.tempName = options.tempName;
    const sink = await createAtomicFileSink(file, sinkOptions);
    // The DAH goes down before any data is published (a crash after publishing still leaves a
    // finite lifetime) but only once the sink has checked that no blob exists: writing it first
    // would overwrite the retention of a blob someone else already published, e.g. make a
    // permanent one expire.
    if (options.dah !== undefined) {
      try {
        await writeDah(file, options.dah);
      } catch (err) {
        await sink.abort(err).catch(() => {});
        throw err;
      }
    }
    return sink;
  }

  /**
   * The hashes (internal order) of every stored blob of `type`, in no particular order, from file
   * names alone (no file is opened). Temp and side files are skipped.
   */
  async *list(type: BlobType, options: { signal?: AbortSignal } = {}): AsyncGenerator<Uint8Array> {
    assertBlobType(type);
    const suffix = `.${type}`;
    for await (const dir of blobDirs(this.root, options.signal)) {
      for (const name of await fileNames(dir)) {
        if (name.length === 64 + suffix.length && name.endsWith(suffix) && HEX64.test(name.slice(0, 64)))
          yield fromDisplayHex(name.slice(0, 64));
      }
    }
  }

  /** Removes the blob and its side files; returns whether the blob existed. */
  async delete(hash: Uint8Array, type: BlobType): Promise<boolean> {
    const file = this.path(hash, type);
    let existed = true;
    await unlink(file).catch((err) => {
      existed = false;
      ignoreMissing(err);
    });
    await unlink(`${file}.sha256`).catch(ignoreMissing);
    await unlink(dahPath(file)).catch(ignoreMissing);
    return existed;
  }

  /**
   * Sets the blob's delete-at-height; 0 keeps it forever. Rejects with a `NOT_FOUND`
   * {@link StorageError} when the blob does not exist, so a retention is never set on nothing.
   */
  async setDAH(hash: Uint8Array, type: BlobType, height: number): Promise<void> {
    if (!(await this.exists(hash, type))) {
      throw new StorageError("NOT_FOUND", `cannot set DAH of ${this.path(hash, type)}: no such blob`);
    }
    await writeDah(this.path(hash, type), height);
  }

  /** The blob's delete-at-height; 0 when it is kept forever (no `.dah` file). */
  getDAH(hash: Uint8Array, type: BlobType): Promise<number> {
    return readDah(this.path(hash, type));
  }

  /**
   * Deletes every blob whose DAH ≤ `currentHeight` (with its side files); returns the count.
   * `beforeUnlink(path, signal)` runs before each blob is deleted (pass the tx store's
   * `releaseFile`, so no tx stays located in a deleted file); a blob whose hook throws is kept,
   * and a `RELEASE_FAILED` {@link StorageError} naming it is thrown once the rest are pruned.
   */
  pruneExpired(currentHeight: number, options: PruneOptions = {}): Promise<number> {
    return pruneExpired(this.root, currentHeight, options);
  }

  /**
   * Removes temp files of writers that died; returns how many. Call at start-up. On a directory
   * shared by replicas pass `olderThanMs` above the longest build.
   */
  sweepTempFiles(options: { olderThanMs?: number; signal?: AbortSignal } = {}): Promise<number> {
    return sweepBlobTempFiles(this.root, options.olderThanMs ?? 0, options.signal);
  }

  /**
   * Removes `.dah` files whose blob does not exist (a writer killed before publishing); returns
   * how many. Call at start-up, after {@link sweepTempFiles} and with the same `olderThanMs`: on a
   * shared directory a `.dah` is spared while it is young or a temp file of its blob exists.
   */
  sweepOrphanDahFiles(options: { olderThanMs?: number; signal?: AbortSignal } = {}): Promise<number> {
    return sweepOrphanDahFiles(this.root, options.olderThanMs ?? 0, options.signal);
  }
}

function clampRange(range: BlobRange | undefined, total: number): { start: number; end: number } {
  if (!range) return { start: 0, end: total };
  const { start, end = total } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError(`bad blob range ${JSON.stringify(range)}`);
  }
  return { start: Math.min(start, total), end: Math.min(end, total) };
}
