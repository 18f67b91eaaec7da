import type { Permit } from "@subtreekit/semaphore";
import { type TxSource, writeSubtreeData } from "@subtreekit/subtree-stream";
import type { AtomicSink } from "../ports.ts";
import { BodyChannel } from "./body-channel.ts";
import { BuildAbortedError } from "./build-errors.ts";

export type BuildOutcome =
  | { ok: true; txs: number; bytes: number }
  | { ok: false; error: unknown; reason: "client_gone" | "shutdown" | "write_failed" };

export interface BuildOptions {
  hex: string;
  nodes: AsyncIterable<readonly Uint8Array[]>;
  source: TxSource;
  sink: AtomicSink;
  permit: Permit;
  chunkSize: number;
  concurrency: number;
  finishOnDisconnect: boolean;
  /** After a failed build's temp file is gone, before the permit is released (e.g. remove the `.dah`). */
  afterAbort?: () => Promise<void>;
  /** Once, when the build has settled and its permit is released. */
  onSettled: (outcome: BuildOutcome) => void;
}

/**
 * One on-demand build of a subtree_data file. The originating request reads `origin` (lockstep
 * with the file write); followers read the growing temp file via `sink.follow()`. Every reader
 * `join()`s; when the last one leaves before the end the build is aborted (the writer notices
 * within 256 txs), the temp file removed and the create permit released — unless
 * finish-on-disconnect is set. The permit is released in exactly one place: `run()`'s finally.
 */
export class SubtreeDataBuild {
  readonly hex: string;
  readonly origin = new BodyChannel();
  readonly sink: AtomicSink;
  readonly done: Promise<BuildOutcome>;
  #readers = 0;
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
      else this.origin.detach();
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
      const sink = {
        write: (bytes: Uint8Array) => {
          const r = o.sink.write(bytes);
          if (r !== undefined) return r.then(() => this.origin.write(bytes));
          return this.origin.write(bytes);
        },
      };
      const result = await writeSubtreeData({
        nodes: o.nodes,
        source: o.source,
        sink,
        chunkSize: o.chunkSize,
        concurrency: o.concurrency,
        window: o.concurrency,
        signal: this.#abort.signal,
      });
      // The file first: a client never gets a clean end for bytes the file may lack.
      await o.sink.commit();
      await this.origin.end();
      outcome = { ok: true, ...result };
    } catch (error) {
      await o.sink.abort(error).catch(() => {});
      await o.afterAbort?.().catch(() => {});
      this.origin.fail(error);
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
