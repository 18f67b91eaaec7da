import { StorageError, type StorageErrorCode } from "../errors/storage-error.ts";
import type { ReadReply, ReadRequest, WorkerInit } from "./sqlite-read-protocol.ts";
import type { SqliteTxStoreOptions } from "./sqlite-tx-store.ts";

/** Options of {@link SqliteReadPool}. */
export interface SqliteReadPoolOptions {
  /** Most worker threads (each with its own read connection). */
  size: number;
  /** A worker idle this long is ended, so an idle store holds no threads. Default 10 s. */
  idleMs?: number;
  /** Options of the workers' connections. */
  store?: SqliteTxStoreOptions;
}

interface Job {
  id: number;
  hashes: Uint8Array;
  signal: AbortSignal | undefined;
  resolve: (txs: (Uint8Array | undefined)[]) => void;
  reject: (error: unknown) => void;
  settled: boolean;
  onAbort?: () => void;
  slot?: Slot;
}

/** Bun's Worker; the DOM typings lack `ref`/`unref`. */
type BunWorker = Worker & { ref(): void; unref(): void };

interface Slot {
  index: number;
  worker: BunWorker;
  job: Job | undefined;
  idleTimer: ReturnType<typeof setTimeout> | undefined;
}

// The compiled package ships `.js` beside `.js`; from source, `.ts` beside `.ts`.
const WORKER_URL = new URL(
  import.meta.url.endsWith(".ts") ? "./sqlite-read-worker.ts" : "./sqlite-read-worker.js",
  import.meta.url,
);

/**
 * A small pool of worker threads, each with its own read connection to one SQLite tx store, that
 * answer batched `getTxs` calls off the caller's thread: an on-demand build's lookups then run on
 * another core while the event loop writes the file and serves clients, and several builds use
 * several cores. Bounded: at most `size` reads run at once, one per worker; the rest wait in FIFO
 * order (their number is bounded by the callers' own windows). A cancelled read leaves the queue at
 * once, or, if running, raises a shared flag its worker checks every 1024 rows; its promise rejects
 * with the signal's reason at once either way. Workers start on first use and end when idle.
 */
export class SqliteReadPool {
  readonly #path: string;
  readonly #options: SqliteReadPoolOptions;
  readonly #flags: Int32Array;
  readonly #slots: (Slot | undefined)[];
  readonly #queue: Job[] = [];
  #nextId = 1;
  #closed = false;

  constructor(path: string, options: SqliteReadPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) {
      throw new RangeError(`read pool size must be a positive integer, got ${options.size}`);
    }
    this.#path = path;
    this.#options = options;
    this.#flags = new Int32Array(new SharedArrayBuffer(4 * options.size));
    this.#slots = new Array(options.size).fill(undefined);
  }

  /** Live workers, reads running and reads waiting (tests count leaks with it). */
  get stats(): { workers: number; running: number; queued: number } {
    let workers = 0;
    let running = 0;
    for (const s of this.#slots) {
      if (!s) continue;
      workers++;
      if (s.job) running++;
    }
    return { workers, running, queued: this.#queue.length };
  }

  /** Standard bytes of each hash, in request order; `undefined` where unknown. */
  getTxs(hashes: readonly Uint8Array[], signal?: AbortSignal): Promise<(Uint8Array | undefined)[]> {
    signal?.throwIfAborted();
    if (this.#closed) return Promise.reject(closedError(this.#path));
    const packed = new Uint8Array(hashes.length * 32);
    for (let i = 0; i < hashes.length; i++) packed.set(hashes[i]!, i * 32);
    return new Promise((resolve, reject) => {
      const job: Job = { id: this.#nextId++, hashes: packed, signal, resolve, reject, settled: false };
      if (signal) {
        job.onAbort = () => this.#cancel(job);
        signal.addEventListener("abort", job.onAbort, { once: true });
      }
      this.#queue.push(job);
      this.#dispatch();
    });
  }

  /** Ends every worker; reads waiting or running reject with `CLOSED`. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) this.#settle(job, undefined, closedError(this.#path));
    const ending: Promise<unknown>[] = [];
    for (const s of this.#slots) {
      if (!s) continue;
      if (s.job) this.#settle(s.job, undefined, closedError(this.#path));
      ending.push(this.#end(s));
    }
    await Promise.all(ending);
  }

  #cancel(job: Job): void {
    if (job.settled) return;
    const at = this.#queue.indexOf(job);
    if (at >= 0) this.#queue.splice(at, 1);
    // Running: the worker stops within 1024 rows and its reply is dropped; the slot frees then.
    else if (job.slot) Atomics.store(this.#flags, job.slot.index, 1);
    this.#settle(job, undefined, job.signal?.reason);
  }

  #settle(job: Job, txs: (Uint8Array | undefined)[] | undefined, error?: unknown): void {
    if (job.settled) return;
    job.settled = true;
    if (job.onAbort) job.signal?.removeEventListener("abort", job.onAbort);
    if (txs) job.resolve(txs);
    else job.reject(error);
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const slot = this.#idleSlot();
      if (!slot) return;
      const job = this.#queue.shift()!;
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      slot.idleTimer = undefined;
      slot.job = job;
      job.slot = slot;
      Atomics.store(this.#flags, slot.index, 0);
      // Held while it works, so a process awaiting a read does not exit under it.
      slot.worker.ref();
      const msg: ReadRequest = { type: "read", id: job.id, slot: slot.index, hashes: job.hashes };
      slot.worker.postMessage(msg, [job.hashes.buffer]);
    }
  }

  #idleSlot(): Slot | undefined {
    let free = -1;
    for (let i = 0; i < this.#slots.length; i++) {
      const s = this.#slots[i];
      if (s && !s.job) return s;
      if (!s && free < 0) free = i;
    }
    return free >= 0 ? this.#spawn(free) : undefined;
  }

  #spawn(index: number): Slot {
    const worker = new Worker(WORKER_URL) as BunWorker;
    const slot: Slot = { index, worker, job: undefined, idleTimer: undefined };
    this.#slots[index] = slot;
    worker.onmessage = (event: MessageEvent<ReadReply>) => this.#reply(slot, event.data);
    worker.onerror = (event) => this.#crashed(slot, event.error ?? new Error(String(event.message)));
    const init: WorkerInit = {
      type: "init",
      path: this.#path,
      options: this.#options.store ?? {},
      abortFlags: this.#flags.buffer as SharedArrayBuffer,
    };
    worker.postMessage(init);
    return slot;
  }

  #reply(slot: Slot, msg: ReadReply): void {
    if (msg.type === "ready") return;
    if (msg.type === "error" && msg.id === -1) {
      // The worker could not open the store: whatever it was given fails with that.
      const error = new StorageError("IO", `cannot open ${this.#path} in a read worker: ${msg.error.message}`, {
        cause: msg.error,
        file: this.#path,
      });
      if (slot.job) this.#settle(slot.job, undefined, error);
      slot.job = undefined;
      void this.#end(slot);
      this.#dispatch();
      return;
    }
    const job = slot.job;
    if (!job || job.id !== msg.id) return;
    slot.job = undefined;
    if (msg.type === "result") this.#settle(job, split(msg.lengths, msg.data));
    else this.#settle(job, undefined, rebuild(msg.error, this.#path));
    this.#idle(slot);
  }

  #idle(slot: Slot): void {
    slot.worker.unref();
    this.#dispatch();
    if (slot.job || this.#closed) return;
    slot.idleTimer = setTimeout(() => {
      if (!slot.job) void this.#end(slot);
    }, this.#options.idleMs ?? 10_000);
    slot.idleTimer.unref?.();
  }

  #crashed(slot: Slot, cause: unknown): void {
    const job = slot.job;
    slot.job = undefined;
    if (job) {
      this.#settle(
        job,
        undefined,
        new StorageError("IO", `a read worker of ${this.#path} failed: ${String(cause)}`, { cause, file: this.#path }),
      );
    }
    void this.#end(slot);
    this.#dispatch();
  }

  async #end(slot: Slot): Promise<void> {
    if (this.#slots[slot.index] === slot) this.#slots[slot.index] = undefined;
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.worker.onmessage = null;
    slot.worker.onerror = null;
    await slot.worker.terminate();
  }
}

/** One subarray per found tx: views of the batch's buffer, no copy. */
function split(lengths: Int32Array, data: Uint8Array): (Uint8Array | undefined)[] {
  // Filled, not holes: a hole is skipped by filter/forEach where an unknown tx must be seen.
  const out: (Uint8Array | undefined)[] = new Array(lengths.length).fill(undefined);
  for (let i = 0, at = 0; i < lengths.length; i++) {
    const n = lengths[i]!;
    if (n < 0) continue;
    out[i] = data.subarray(at, at + n);
    at += n;
  }
  return out;
}

const CODES: readonly StorageErrorCode[] = ["BAD_HEADER", "IO", "BAD_DAH", "CLOSED", "NOT_FOUND", "MISSING_DATA"];

/** A worker's error as the typed error the same read would throw on the caller's thread. */
function rebuild(e: { name: string; code?: string; message: string; file?: string }, path: string): unknown {
  if (e.name === "StorageError" && CODES.includes(e.code as StorageErrorCode)) {
    return new StorageError(e.code as StorageErrorCode, e.message, {
      cause: e,
      ...(e.file !== undefined ? { file: e.file } : {}),
    });
  }
  return new StorageError("IO", `reading ${path} in a read worker failed: ${e.message}`, { cause: e, file: path });
}

function closedError(path: string): StorageError {
  return new StorageError("CLOSED", `SQLite tx store ${path} is closed`);
}
