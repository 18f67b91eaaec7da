import { type FileHandle, open, stat } from "node:fs/promises";
import { ScaleOutError } from "./scale-out-error.ts";

export interface RemoteFileReaderOptions {
  /** The subtree_data file the build publishes. */
  finalPath: string;
  /** The builder's temp file (its lease name). */
  tempPath: string;
  /** Whether the builder this reader follows still holds the lock. */
  builderAlive: () => Promise<boolean>;
  /** Longest wait without a new byte (`asset_follow_remote_timeout_ms`). */
  timeoutMs: number;
  /** How often the files are looked at while waiting. */
  pollMs: number;
  /** Holder checks cost a query: at most this often. Default 100 ms. */
  aliveCheckMs?: number;
  /** Skipped at the start (the blob's 8-byte magic). Default 8. */
  headerBytes?: number;
  /** Largest chunk returned. Default 64 KiB (as `follow()`; see its `readSize`). */
  readSize?: number;
  signal?: AbortSignal;
}

/**
 * Reads a subtree_data file another replica is building, from the shared directory: the builder's
 * temp file as it grows, then the final file once published. No change notification crosses
 * machines (inotify does not see a remote writer on NFS), so it polls, every `pollMs`.
 *
 * The first byte is returned only after the temp file was seen to grow (or the final file
 * exists): a file whose writer was killed looks like a live one until its session is reaped, and
 * a follower must not commit a 200 to bytes nobody will finish. Before that byte every failure is
 * a `ScaleOutError` the caller can still answer properly (`BUILDER_GONE` / `FILE_PUBLISHED` →
 * decide again, `FOLLOW_TIMEOUT` → 503); after it, the same errors abort the stream.
 */
export class RemoteFileReader {
  readonly #o: Required<Omit<RemoteFileReaderOptions, "signal">> & { signal?: AbortSignal };
  #fh: FileHandle | undefined;
  #pos: number;
  #started = false;
  #onFinal = false;
  #closed = false;
  #lastAliveCheck = Number.NEGATIVE_INFINITY;
  #spare: Uint8Array | undefined;

  constructor(options: RemoteFileReaderOptions) {
    this.#o = { aliveCheckMs: 100, headerBytes: 8, readSize: 64 * 1024, ...options };
    this.#pos = this.#o.headerBytes;
  }

  /** True once the build was seen alive and bytes may be returned. */
  get started(): boolean {
    return this.#started;
  }

  /** Next chunk of the body; `null` at the end of the published file. Closes the file on the way out. */
  async next(): Promise<Uint8Array | null> {
    if (this.#closed) return null;
    try {
      return await this.#next();
    } catch (error) {
      // Every error ends the follow: close now, not when a FileHandle is collected (an error in Bun).
      await this.close();
      throw error;
    }
  }

  async #next(): Promise<Uint8Array | null> {
    if (!this.#started) await this.#waitForLiveBuild();
    const idleSince = performance.now();
    for (;;) {
      this.#o.signal?.throwIfAborted();
      const chunk = await this.#read();
      if (chunk) return chunk;
      if (this.#onFinal) {
        await this.close();
        return null;
      }
      if (await exists(this.#o.finalPath)) {
        await this.#switchToFinal();
        continue;
      }
      if (!(await this.#alive())) {
        // Commit happens before unlock: a free lock with no final file means the build died.
        if (await exists(this.#o.finalPath)) continue;
        throw new ScaleOutError("BUILDER_GONE", "the replica building this subtree stopped before publishing it");
      }
      this.#checkTimeout(idleSince);
      await this.#sleep();
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const fh = this.#fh;
    this.#fh = undefined;
    await fh?.close().catch(() => {});
  }

  async #waitForLiveBuild(): Promise<void> {
    const since = performance.now();
    let firstSize: number | undefined;
    for (;;) {
      this.#o.signal?.throwIfAborted();
      if (await exists(this.#o.finalPath)) throw new ScaleOutError("FILE_PUBLISHED", "the subtree data was published");
      if (!(await this.#alive())) {
        if (await exists(this.#o.finalPath))
          throw new ScaleOutError("FILE_PUBLISHED", "the subtree data was published");
        throw new ScaleOutError("BUILDER_GONE", "the replica building this subtree stopped before publishing it");
      }
      const size = await sizeOf(this.#o.tempPath);
      if (size !== undefined && firstSize === undefined) firstSize = size;
      else if (size !== undefined && firstSize !== undefined && size > firstSize) {
        this.#fh = await open(this.#o.tempPath, "r").catch(() => undefined);
        // Gone between stat and open: published or aborted; the next round tells which.
        if (this.#fh) {
          this.#started = true;
          return;
        }
      }
      this.#checkTimeout(since);
      await this.#sleep();
    }
  }

  async #read(): Promise<Uint8Array | undefined> {
    if (!this.#fh) return undefined;
    const buf = this.#spare ?? new Uint8Array(this.#o.readSize);
    const { bytesRead } = await this.#fh.read(buf, 0, buf.length, this.#pos);
    if (bytesRead === 0) {
      this.#spare = buf;
      return undefined;
    }
    this.#spare = undefined;
    this.#pos += bytesRead;
    return bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
  }

  /** Same bytes, same offset: the temp was published under the final name (link keeps the inode). */
  async #switchToFinal(): Promise<void> {
    const old = this.#fh;
    this.#fh = await open(this.#o.finalPath, "r");
    this.#onFinal = true;
    await old?.close().catch(() => {});
  }

  async #alive(): Promise<boolean> {
    const now = performance.now();
    if (now - this.#lastAliveCheck < this.#o.aliveCheckMs) return true;
    this.#lastAliveCheck = now;
    return this.#o.builderAlive();
  }

  #checkTimeout(since: number): void {
    if (performance.now() - since > this.#o.timeoutMs) {
      throw new ScaleOutError(
        "FOLLOW_TIMEOUT",
        `no progress from the replica building this subtree for ${this.#o.timeoutMs} ms`,
      );
    }
  }

  #sleep(): Promise<void> {
    return Bun.sleep(this.#o.pollMs);
  }
}

async function exists(path: string): Promise<boolean> {
  return (await sizeOf(path)) !== undefined;
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
