import { type FileHandle, open, stat } from "node:fs/promises";
import type { Followable } from "./follow.ts";
import { FollowError } from "./follow-error.ts";
import { exists } from "./publish.ts";

/** Options of {@link pollingFollowable}. */
export interface PollingFollowableOptions {
  /** The writer's temp file, by a name both sides derive (an `AtomicFileSink`'s `tempName`). */
  tempPath: string;
  /** Where the writer publishes it, by link or rename (the same inode as the temp). */
  finalPath: string;
  /** Longest wait without a new byte or the final file; then the follow fails with `FOLLOW_TIMEOUT`. */
  idleTimeoutMs: number;
  /** Leading bytes that are not body (e.g. the 8-byte magic); `followFile` skips them. Default 0. */
  headerBytes?: number;
  /**
   * How often the files are looked at while the follower waits. Default 20 ms. Polling because no
   * change notification crosses machines (inotify does not see a writer on another NFS client).
   */
  pollMs?: number;
  /**
   * Whether the writer still runs (e.g. still holds its lock). A killed writer's temp file looks
   * like a slow one; this tells them apart sooner than `idleTimeoutMs`. Default: always alive.
   */
  writerAlive?: () => boolean | Promise<boolean>;
  /** `writerAlive` may cost a query: it is called at most this often. Default 100 ms. */
  aliveCheckMs?: number;
  /** Stops polling; followers error with its reason and close the file. Pass the follower's signal. */
  signal?: AbortSignal;
}

/** A {@link Followable} for a file written by another process; see {@link pollingFollowable}. */
export interface PollingFollowable extends Followable {
  /**
   * What let bytes through: `"temp"` once the temp file was seen to grow, `"final"` when the final
   * file was found first (the writer had already published it); `undefined` while still waiting.
   * A caller that would rather serve a published file some other way checks it at the first byte.
   */
  readonly startedFrom: "temp" | "final" | undefined;
}

/**
 * A source for `followFile` that follows a file another process writes (a replica on a shared
 * directory): the temp file as it grows, then the final file once published, at the same offset.
 * It polls, since no notification crosses processes. No byte is let through until the temp file
 * was seen to grow or the final file exists: a killed writer's file looks like a live one until
 * `writerAlive()` says otherwise, and a follower must not start a body nobody will finish.
 * Fails with {@link FollowError} `WRITER_GONE` or `FOLLOW_TIMEOUT`.
 *
 * @example
 * ```ts
 * const source = pollingFollowable({ tempPath, finalPath, headerBytes: 8, idleTimeoutMs: 30_000,
 *   writerAlive: () => lockHeldBy(pid), signal });
 * return new Response(followFile(source, { signal }));
 * ```
 */
export function pollingFollowable(options: PollingFollowableOptions): PollingFollowable {
  return new PollingSource(options);
}

class PollingSource implements PollingFollowable {
  readonly #o: PollingFollowableOptions;
  readonly headerBytes: number;
  #state: "open" | "committed" | "aborted" = "open";
  #error: unknown;
  #size = 0;
  #firstSize: number | undefined;
  #startedFrom: "temp" | "final" | undefined;
  #polled = false;
  /** When the current wait for progress began; reset by the first wait after progress. */
  #idleSince: number | undefined;
  #progressed = false;
  #lastAliveCheck = Number.NEGATIVE_INFINITY;
  #tick: Promise<void> | undefined;

  constructor(options: PollingFollowableOptions) {
    this.#o = options;
    this.headerBytes = options.headerBytes ?? 0;
  }

  get state(): "open" | "committed" | "aborted" {
    return this.#state;
  }

  get fileBytesFlushed(): number {
    return this.#size;
  }

  get startedFrom(): "temp" | "final" | undefined {
    return this.#startedFrom;
  }

  abortError(): unknown {
    return this.#error;
  }

  /** One poll, shared by concurrent callers; never rejects (a failure becomes the aborted state). */
  changed(): Promise<void> {
    this.#tick ??= this.#poll().finally(() => {
      this.#tick = undefined;
    });
    return this.#tick;
  }

  async openForRead(): Promise<FileHandle> {
    if (this.#state !== "committed") {
      const fh = await openIfExists(this.#o.tempPath);
      if (fh) return fh;
    }
    // Publishing links the final name before the temp name goes, so no final file now means
    // the writer removed its temp: it gave up.
    const fh = await openIfExists(this.#o.finalPath);
    if (fh) return fh;
    throw this.#fail(
      new FollowError("WRITER_GONE", this.#o.finalPath, "the writer removed its file without publishing"),
    );
  }

  async #poll(): Promise<void> {
    const { signal } = this.#o;
    if (this.#state !== "open") return;
    const afterProgress = this.#progressed;
    if (this.#idleSince === undefined || afterProgress) {
      this.#idleSince = performance.now();
      this.#progressed = false;
    }
    try {
      // Right after progress, look again at once: a writer ahead of the follower has usually
      // written more by now, and sleeping at every catch-up would cap the follower's pace.
      if (this.#polled && !afterProgress) await sleep(this.#o.pollMs ?? 20, signal);
      this.#polled = true;
      signal?.throwIfAborted();
      await this.#look();
    } catch (error) {
      this.#fail(error);
    }
  }

  async #look(): Promise<void> {
    const { tempPath, finalPath } = this.#o;
    const size = await sizeOf(tempPath);
    if (await exists(finalPath)) return this.#published();
    if (size !== undefined && this.#startedFrom === undefined) {
      // Growth seen between two looks, not mere existence: the first size is only a baseline.
      if (this.#firstSize === undefined) this.#firstSize = size;
      else if (size > this.#firstSize) this.#startedFrom = "temp";
    }
    if (this.#startedFrom === "temp" && size !== undefined && size > this.#size) {
      this.#size = size;
      this.#progressed = true;
      return;
    }
    if (!(await this.#alive())) {
      // A writer publishes before it lets go of its lock, so look once more.
      if (await exists(finalPath)) return this.#published();
      throw new FollowError("WRITER_GONE", finalPath, "the writer stopped before publishing");
    }
    const idle = performance.now() - (this.#idleSince as number);
    if (idle > this.#o.idleTimeoutMs) {
      throw new FollowError("FOLLOW_TIMEOUT", finalPath, `no progress from the writer for ${this.#o.idleTimeoutMs} ms`);
    }
  }

  #published(): void {
    this.#startedFrom ??= "final";
    this.#state = "committed";
  }

  async #alive(): Promise<boolean> {
    const { writerAlive, aliveCheckMs = 100 } = this.#o;
    if (!writerAlive) return true;
    const now = performance.now();
    if (now - this.#lastAliveCheck < aliveCheckMs) return true;
    this.#lastAliveCheck = now;
    return writerAlive();
  }

  #fail(error: unknown): unknown {
    if (this.#state === "open") {
      this.#state = "aborted";
      this.#error = error;
    }
    return this.#error ?? error;
  }
}

/** Resolves after `ms`, or at once when `signal` aborts (the caller checks it). */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

async function openIfExists(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
