import type { Permit } from "@subtreekit/semaphore";
import { type TxSource, writeSubtreeData } from "@subtreekit/subtree-stream";
import type { AtomicSink } from "../ports.ts";
import { BuildAbortedError } from "./build-errors.ts";

export type BuildOutcome =
  | {
      ok: true;
      txs: number;
      bytes: number;
      /** Time spent publishing the file (fsync, rename). */
      commitMs: number;
    }
  | { ok: false; error: unknown; reason: "client_gone" | "shutdown" | "write_failed" };

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
  /** After a failed build's temp file is gone, before the permit is released (e.g. remove the `.dah`). */
  afterAbort?: () => Promise<void>;
  /** Once, when the build has settled and its permit is released. */
  onSettled: (outcome: BuildOutcome) => void;
}

/**
 * One on-demand build of a subtree_data file. The build writes only to the atomic file sink, at
 * the tx store's pace; every reader — the request that started it and any follower — streams the
 * growing temp file via `sink.follow()`, then the final file. So a slow client never slows the
 * build or holds its create permit (the storm benchmark measured a lockstep build behind a 1 MiB/s
 * client holding its permit ~40 s and throttling every follower to that client's pace), and a
 * client is only ever sent bytes the file already has. Memory stays bounded by the writer's window
 * plus each reader's small read-ahead. Every reader `join()`s; when the last one leaves before the
 * end the build is aborted (the writer notices within 256 txs), the temp file removed and the
 * create permit released — unless finish-on-disconnect is set. The permit is released in exactly
 * one place: `run()`'s finally.
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
      if (this.#readers === 0 && !this.#settled && !this.#options.finishOnDisconnect) {
        this.#abort.abort(new BuildAbortedError("CLIENT_GONE", `every reader of subtree ${this.hex} left`));
      }
    };
  }

  /** Stops the build now (server shutdown after the grace period). */
  abort(error: BuildAbortedError): void {
    this.#abort.abort(error);
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
      await o.sink.commit();
      outcome = { ok: true, ...result, commitMs: Math.round(performance.now() - commitStart) };
    } catch (error) {
      await o.sink.abort(error).catch(() => {});
      await o.afterAbort?.().catch(() => {});
      const code = error instanceof BuildAbortedError ? error.code : undefined;
      outcome = {
        ok: false,
        error,
        reason: code === "CLIENT_GONE" ? "client_gone" : code === "SHUTDOWN" ? "shutdown" : "write_failed",
      };
    } finally {
      this.#settled = true;
      o.permit.release();
    }
    o.onSettled(outcome);
    return outcome;
  }
}
