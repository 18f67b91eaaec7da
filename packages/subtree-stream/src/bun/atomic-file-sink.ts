import { closeSync, fdatasync, fsync, openSync, writeSync } from "node:fs";
import { type FileHandle, open, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { promisify } from "node:util";
import { ChangeNotifier } from "./change-notifier.ts";
import { FileExistsError } from "./file-exists-error.ts";
import { type Followable, type FollowCursor, type FollowOptions, followCursor, followFile } from "./follow.ts";
import { exists, fsyncDir, publishNoReplace } from "./publish.ts";
import { SinkAbortedError } from "./sink-aborted-error.ts";
import { SinkClosedError } from "./sink-closed-error.ts";
import { TEMP_FILE_RE, tempPathFor } from "./temp-name.ts";

const fsyncAsync = promisify(fsync);
const fdatasyncAsync = promisify(fdatasync);

/** Options of {@link createAtomicFileSink}. */
export interface AtomicFileSinkOptions {
  /** Bytes written before the body (e.g. the 8-byte `SD-1.0  ` magic); not counted in `bytesWritten`. */
  header?: Uint8Array;
  /**
   * Durability at commit. "full": fsync the file, then the directory after publishing (survives
   * power loss). "data": fdatasync the file (skips metadata such as mtime), fsync the directory.
   * "none": neither (tests, scratch files). Default "full".
   */
  fsync?: "full" | "data" | "none";
  /** Aborting it aborts the sink (temp removed) unless it is already committing. */
  signal?: AbortSignal;
  /**
   * Buffered bytes at which `write` flushes to the file (and returns a promise to await). Followers
   * see bytes only once flushed, so this is also how far they may lag. Default 1 MiB.
   */
  highWaterMark?: number;
  /**
   * File name of the temp file, in `finalPath`'s directory, instead of a random one. Why: another
   * process (a replica sharing the directory) can then find and follow a build in progress by a
   * name it derives itself. It must match {@link TEMP_FILE_RE} (so a crash's leftover is swept) and
   * is created with O_EXCL: an existing file of that name rejects with EEXIST, never shared.
   */
  tempName?: string;
}

/**
 * Lifecycle of a sink: open → committing → committed, or → aborted. `superseded`: every byte was
 * written and synced but another writer published `finalPath` first; the temp file stays readable
 * (followers end cleanly at its end) until `abort()` removes it.
 */
export type AtomicFileSinkState = "open" | "committing" | "committed" | "superseded" | "aborted";

const MAX_NAME_ATTEMPTS = 10;
/**
 * While a follower has caught up and waits, flush at this many buffered bytes instead of
 * `highWaterMark`: a client following a slow build then gets bytes promptly, while a build
 * nobody follows keeps the larger, cheaper writes.
 */
const FOLLOWER_FLUSH_BYTES = 64 * 1024;
/**
 * Small writes are copied into one reused buffer of this size and written with one `write(2)`.
 * Why: Bun's FileSink wrote through once ~4 KiB were buffered, whatever its highWaterMark (one
 * `write(2)` per 17 txs of 250 B), and handing it a fresh buffer per piece page-faulted each one.
 */
const STAGE_BYTES = 64 * 1024;

/**
 * Opens a temp file beside `finalPath` for an all-or-nothing write: `commit()` publishes it
 * complete under `finalPath`, `abort()` (or a crash, then {@link sweepTempFiles}) leaves nothing.
 * Rejects with {@link FileExistsError} if `finalPath` exists, so the caller serves that instead.
 *
 * @example
 * ```ts
 * const file = await createAtomicFileSink(path, { header: new TextEncoder().encode("SD-1.0  ") });
 * try {
 *   await writeSubtreeData({ nodes, source, sink: file, signal });
 *   await file.commit();
 * } catch (e) {
 *   await file.abort(e);
 * }
 * ```
 */
export async function createAtomicFileSink(
  finalPath: string,
  options: AtomicFileSinkOptions = {},
): Promise<AtomicFileSink> {
  options.signal?.throwIfAborted();
  if (await exists(finalPath)) throw new FileExistsError(finalPath);
  if (options.tempName !== undefined) {
    const { tempName } = options;
    if (!TEMP_FILE_RE.test(tempName) || basename(tempName) !== tempName) {
      throw new TypeError(
        `tempName must be a bare file name matching ${TEMP_FILE_RE}, got ${JSON.stringify(tempName)}`,
      );
    }
    const tempPath = join(dirname(finalPath), tempName);
    return new AtomicFileSink(finalPath, tempPath, openSync(tempPath, "wx", 0o644), options);
  }
  for (let attempt = 1; ; attempt++) {
    const tempPath = tempPathFor(finalPath);
    let fd: number;
    try {
      // O_CREAT|O_EXCL: a temp name is never shared, even with another process or replica.
      fd = openSync(tempPath, "wx", 0o644);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST" && attempt < MAX_NAME_ATTEMPTS) continue;
      throw error;
    }
    return new AtomicFileSink(finalPath, tempPath, fd, options);
  }
}

/** An open atomic file; see {@link createAtomicFileSink}. Use it as a `TxSink`. */
export class AtomicFileSink {
  readonly finalPath: string;
  readonly tempPath: string;
  #fd: number | undefined;
  #state: AtomicFileSinkState = "open";
  #headerBytes: number;
  #body = 0;
  #pending = 0;
  #flushed = 0;
  /** Bytes accepted but not yet in the file. */
  readonly #stage = new Uint8Array(STAGE_BYTES);
  #staged = 0;
  #hwm: number;
  /** A follower is waiting for bytes beyond what was flushed (reset by the next flush). */
  #followerWaiting = false;
  #fsync: "full" | "data" | "none";
  #changes = new ChangeNotifier();
  #abortReason: unknown;
  #commit: Promise<void> | undefined;
  #abort: Promise<void> | undefined;
  #signal: AbortSignal | undefined;
  #onAbort = () => void this.abort(this.#signal?.reason).catch(() => {});

  /** @internal Use {@link createAtomicFileSink}. */
  constructor(finalPath: string, tempPath: string, fd: number, options: AtomicFileSinkOptions) {
    this.finalPath = finalPath;
    this.tempPath = tempPath;
    this.#fd = fd;
    this.#hwm = options.highWaterMark ?? 1024 * 1024;
    this.#fsync = options.fsync ?? "full";
    const header = options.header ?? new Uint8Array(0);
    this.#headerBytes = header.length;
    if (header.length > 0) {
      this.#writeFile(header);
      this.#pending += header.length;
    }
    this.#signal = options.signal;
    this.#signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  get state(): AtomicFileSinkState {
    return this.#state;
  }

  /** Body bytes accepted so far (header excluded). */
  get bytesWritten(): number {
    return this.#body;
  }

  /** Header length in bytes. */
  get headerBytes(): number {
    return this.#headerBytes;
  }

  /**
   * Appends `bytes`. Returns a promise (await it) when the buffer reached `highWaterMark` and was
   * flushed; that is the backpressure a producer must honour.
   */
  write(bytes: Uint8Array): void | Promise<void> {
    if (this.#state !== "open") {
      throw this.#state === "aborted"
        ? new SinkAbortedError(this.finalPath, this.#abortReason)
        : new SinkClosedError(this.finalPath);
    }
    if (this.#staged + bytes.length > STAGE_BYTES) this.#handOver();
    if (bytes.length >= STAGE_BYTES) this.#writeFile(bytes);
    else {
      this.#stage.set(bytes, this.#staged);
      this.#staged += bytes.length;
    }
    this.#body += bytes.length;
    this.#pending += bytes.length;
    if (this.#pending >= this.#hwm || (this.#followerWaiting && this.#pending >= FOLLOWER_FLUSH_BYTES)) {
      return this.flush();
    }
  }

  /** Writes the staged bytes to the file; the stage is then reused. */
  #handOver(): void {
    if (this.#staged === 0) return;
    this.#writeFile(this.#stage.subarray(0, this.#staged));
    this.#staged = 0;
  }

  /**
   * Appends to the file now. Synchronous, as Bun's FileSink is for a regular file: a copy into the
   * page cache. A failure (ENOSPC, EIO) is thrown to the producer, which aborts the sink.
   */
  #writeFile(bytes: Uint8Array): void {
    const fd = this.#fd as number;
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
  }

  /** Moves buffered bytes into the file, where followers can read them. */
  async flush(): Promise<void> {
    if (this.#pending === 0 || this.#fd === undefined) return;
    this.#handOver();
    const n = this.#pending;
    this.#pending = 0;
    this.#flushed += n;
    this.#followerWaiting = false;
    this.#changes.notify();
  }

  /**
   * Flush, fsync the file, publish it under `finalPath`, fsync the directory. Idempotent; rejects
   * after abort. A file published meanwhile by another writer is never replaced: the commit
   * rejects with {@link FileExistsError} and the sink is `superseded` (call `abort()` once its
   * followers are done with the temp file).
   */
  commit(): Promise<void> {
    if (this.#state === "aborted") return Promise.reject(new SinkAbortedError(this.finalPath, this.#abortReason));
    this.#commit ??= this.#doCommit();
    return this.#commit;
  }

  async #doCommit(): Promise<void> {
    this.#state = "committing";
    try {
      await this.flush();
      const fd = this.#fd as number;
      // On the thread pool, not fsyncSync: syncing a build's tens of MB takes 0.1–0.7 s, and the
      // sync call froze the whole process that long at every commit (every stream, every 503).
      if (this.#fsync === "full") await fsyncAsync(fd);
      else if (this.#fsync === "data") await fdatasyncAsync(fd);
      this.#closeFd();
      try {
        await publishNoReplace(this.tempPath, this.finalPath);
      } catch (error) {
        // Complete bytes nobody may publish: followers still read them to a clean end.
        if (error instanceof FileExistsError) this.#supersede();
        throw error;
      }
      if (this.#fsync !== "none") await fsyncDir(dirname(this.finalPath));
      this.#state = "committed";
      this.#detach();
      this.#changes.notify();
    } catch (error) {
      if ((this.#state as AtomicFileSinkState) === "superseded") throw error;
      // Remembered as the abort, so a later abort() neither repeats it nor replaces the reason.
      this.#abort = this.#discard(error);
      await this.#abort;
      throw error;
    }
  }

  #supersede(): void {
    this.#state = "superseded";
    this.#detach();
    this.#changes.notify();
  }

  /**
   * Close and remove the temp file; followers error (those of a superseded sink have read what they
   * needed or end cleanly). Idempotent; a no-op once committed.
   */
  abort(reason?: unknown): Promise<void> {
    if (this.#state === "committed") return Promise.resolve();
    if (this.#state === "superseded") {
      this.#abort ??= unlink(this.tempPath).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== "ENOENT") throw e;
      });
      return this.#abort;
    }
    if (this.#state === "aborted") return this.#abort ?? Promise.resolve();
    // Committing: too late to stop; commit either publishes or discards by itself.
    if (this.#state === "committing")
      return (this.#commit as Promise<void>).then(
        () => {},
        () => {},
      );
    this.#abort ??= this.#discard(reason ?? new Error(`aborted: ${basename(this.finalPath)}`));
    return this.#abort;
  }

  async #discard(reason: unknown): Promise<void> {
    this.#state = "aborted";
    this.#abortReason = reason;
    this.#detach();
    this.#changes.notify();
    this.#closeFd();
    await unlink(this.tempPath).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== "ENOENT") throw e;
    });
  }

  #closeFd(): void {
    if (this.#fd === undefined) return;
    const fd = this.#fd;
    this.#fd = undefined;
    closeSync(fd);
  }

  #detach(): void {
    this.#signal?.removeEventListener("abort", this.#onAbort);
  }

  /**
   * A stream of the file from its start as it grows (body only unless `skipHeader: false`), then
   * the rest of the final file after commit; errors with {@link SinkAbortedError} after abort.
   * Many followers can share one build this way.
   */
  follow(options: FollowOptions = {}): ReadableStream<Uint8Array> {
    return followFile(this.#followable(), options);
  }

  /** What {@link follow} streams, one chunk per `next()`: for a caller that hands chunks on itself. */
  cursor(options: FollowOptions = {}): FollowCursor {
    return followCursor(this.#followable(), options);
  }

  #followable(): Followable {
    const self = this;
    return {
      get state() {
        return self.#state;
      },
      get fileBytesFlushed() {
        return self.#flushed;
      },
      headerBytes: this.#headerBytes,
      // This process wrote them a moment ago.
      readsFromCache: true,
      abortError: () => new SinkAbortedError(this.finalPath, this.#abortReason),
      changed: () => {
        this.#followerWaiting = true;
        return this.#changes.wait();
      },
      openForRead: () => this.#openForRead(),
    };
  }

  async #openForRead(): Promise<FileHandle> {
    if (this.#state === "superseded") return open(this.tempPath, "r");
    if (this.#state !== "committed") {
      try {
        return await open(this.tempPath, "r");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
        // The temp name is gone: published (same inode under the final name) or aborted.
      }
    }
    if (this.#state === "aborted") throw new SinkAbortedError(this.finalPath, this.#abortReason);
    return open(this.finalPath, "r");
  }
}
