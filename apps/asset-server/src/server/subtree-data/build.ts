import type { Permit } from "@subtreekit/semaphore";
import { type TxSource, writeSubtreeData } from "@subtreekit/subtree-stream";
import { AssetHttpError } from "../errors.ts";
import type { AtomicSink } from "../ports.ts";
import { BuildAbortedError } from "./build-errors.ts";
import type { BuildReader } from "./build-registry.ts";

export type BuildOutcome =
  | {
      ok: true;
      txs: number;
      bytes: number;
      /** Time spent publishing the file (fsync, rename). */
      commitMs: number;
      /** Another writer published the file first: readers got these complete bytes, nothing was published. */
      superseded: boolean;
    }
  | { ok: false; error: unknown; reason: "client_gone" | "shutdown" | "lease_lost" | "write_failed" };

export interface BuildOptions {
  hex: string;
  nodes: AsyncIterable<readonly Uint8Array[]>;
  source: TxSource;
  sink: AtomicSink;
  permit: Permit;
  chunkSize: number;
  /** Most bytes per fetch, by `nodeBytes` (see `buildChunking`). */
  chunkBytes?: number;
  nodeBytes?: (node: Uint8Array) => number;
  concurrency: number;
  /** Txs in the subtree (its node count): lets the build report its progress. */
  count?: number;
  finishOnDisconnect: boolean;
  /** Sent with the 503 of a reader whose build was cancelled (every reader left, or shutdown). */
  retryAfterS: number;
  /** After the temp file is gone and nothing was published (failed or superseded), before the permit is released. */
  afterUnpublished?: () => Promise<void>;
  /** Once, when the build has settled and its permit is released. */
  onSettled: (outcome: BuildOutcome) => void;
}

/**
 * One on-demand build of a subtree_data file. The build writes only to the atomic file sink, at
 * the tx store's pace; every reader (the request that started it and any follower) streams the
 * growing temp file via `sink.cursor()`, then the final file. So a slow client never slows the
 * build or holds its create permit, and a client is only ever sent bytes the file already has.
 * When the last reader leaves before the end the build is aborted (the writer notices within 256
 * txs) unless finish-on-disconnect is set. The permit is released in one place: `#run()`'s finally.
 */
export class SubtreeDataBuild {
  readonly hex: string;
  readonly sink: AtomicSink;
  readonly done: Promise<BuildOutcome>;
  /** Bytes handed to readers' response bodies, summed (tests count read-ahead with it). */
  bytesToReaders = 0;
  #readers = 0;
  #written = 0;
  #settled = false;
  #superseded = false;
  #followers = 0;
  readonly #abort = new AbortController();
  readonly #options: BuildOptions;

  constructor(options: BuildOptions) {
    this.hex = options.hex;
    this.sink = options.sink;
    this.#options = options;
    this.done = this.#run();
  }

  /** Share of the subtree's txs written to the file so far (0–1; 0 when the count is unknown). */
  get progress(): number {
    const count = this.#options.count ?? 0;
    return count > 0 ? Math.min(1, this.#written / count) : 0;
  }

  get readers(): number {
    return this.#readers;
  }

  get followers(): number {
    return this.#followers;
  }

  get settled(): boolean {
    return this.#settled;
  }

  /** Registers a reader; the returned `leave` is idempotent. */
  join(kind: "origin" | "follower"): () => void {
    this.#readers++;
    if (kind === "follower") this.#followers++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.#readers--;
      if (kind === "follower") this.#followers--;
      if (this.#readers > 0) return;
      if (this.#superseded)
        void this.sink.abort().catch(() => {}); // its temp file was kept for readers
      else if (!this.#settled && !this.#options.finishOnDisconnect) {
        this.#abort.abort(new BuildAbortedError("CLIENT_GONE", `every reader of subtree ${this.hex} left`));
      }
    };
  }

  /**
   * A reader of the body from byte 0, joined at once. A failure is the build's own error (e.g.
   * missing txs), not the reader's echo of it; a cancelled build is a 503 the client may retry.
   */
  open(kind: "origin" | "follower"): BuildReader {
    const leave = this.join(kind);
    const stop = new AbortController();
    // A cursor, not a stream: the response body is the one stream a chunk passes through.
    const reader = this.sink.cursor({ signal: stop.signal });
    let closed = false;
    return {
      next: async () => {
        try {
          const chunk = await reader.next();
          if (chunk === null) return null;
          this.bytesToReaders += chunk.length;
          return chunk;
        } catch (error) {
          throw await this.#readError(error);
        }
      },
      close: () => {
        if (closed) return;
        closed = true;
        stop.abort(new Error("reader done"));
        reader.close().catch(() => {});
        leave();
      },
    };
  }

  /** Stops the build now (server shutdown after the grace period, or a lost lease). */
  abort(error: BuildAbortedError): void {
    this.#abort.abort(error);
  }

  async #readError(error: unknown): Promise<unknown> {
    const out = await this.done;
    if (out.ok) return error;
    if (out.reason === "client_gone" || out.reason === "shutdown") {
      return new AssetHttpError("UNAVAILABLE", "the build this request read was cancelled; retry", {
        cause: out.error,
        retryAfterS: this.#options.retryAfterS,
      });
    }
    return out.error;
  }

  async #run(): Promise<BuildOutcome> {
    const o = this.#options;
    let outcome: BuildOutcome;
    try {
      const result = await writeSubtreeData({
        nodes: o.nodes,
        source: o.source,
        sink: o.sink,
        chunkSize: o.chunkSize,
        ...(o.chunkBytes !== undefined && o.nodeBytes ? { chunkBytes: o.chunkBytes, nodeBytes: o.nodeBytes } : {}),
        concurrency: o.concurrency,
        window: o.concurrency,
        signal: this.#abort.signal,
        onChunk: (e) => {
          if (e.phase === "written") this.#written += e.nodes;
        },
      });
      // Readers see a clean end only after the commit: never for bytes the file may lack.
      const commitStart = performance.now();
      const superseded = await o.sink.commit().then(
        () => false,
        (error: unknown) => {
          // Published by another process meanwhile: ours are complete, so readers finish them.
          if ((error as Error | undefined)?.name === "FileExistsError") return true;
          throw error;
        },
      );
      if (superseded) {
        this.#superseded = true;
        if (this.#readers === 0) await o.sink.abort().catch(() => {});
        await o.afterUnpublished?.().catch(() => {});
      }
      outcome = { ok: true, ...result, commitMs: Math.round(performance.now() - commitStart), superseded };
    } catch (error) {
      await o.sink.abort(error).catch(() => {});
      await o.afterUnpublished?.().catch(() => {});
      const code = error instanceof BuildAbortedError ? error.code : undefined;
      outcome = {
        ok: false,
        error,
        reason:
          code === "CLIENT_GONE"
            ? "client_gone"
            : code === "SHUTDOWN"
              ? "shutdown"
              : code === "LEASE_LOST"
                ? "lease_lost"
                : "write_failed",
      };
    } finally {
      this.#settled = true;
      o.permit.release();
    }
    o.onSettled(outcome);
    return outcome;
  }
}
