// Worker entry of the SQLite read pool (see sqlite-read-pool.ts): its own connection to the
// store's file answers batched lookups, so a build's reads run on another core than the server's
// event loop. One request at a time; results go back as one transferred buffer per batch.

import type { ReadReply, ReadRequest, WorkerInit } from "./sqlite-read-protocol.ts";
import { SqliteTxStore } from "./sqlite-tx-store.ts";

declare const self: Worker;

let store: SqliteTxStore | undefined;
let abortFlags: Int32Array | undefined;

/** An AbortSignal look-alike for the synchronous lookup: the pool raises the shared flag on abort. */
function flagSignal(flags: Int32Array, slot: number): AbortSignal {
  const aborted = () => Atomics.load(flags, slot) !== 0;
  return {
    get aborted() {
      return aborted();
    },
    throwIfAborted() {
      if (aborted()) throw new DOMException("the read was cancelled", "AbortError");
    },
  } as unknown as AbortSignal;
}

self.onmessage = async (event: MessageEvent<WorkerInit | ReadRequest>) => {
  const msg = event.data;
  if (msg.type === "init") {
    try {
      store = SqliteTxStore.open(msg.path, { ...msg.options, readWorkers: 0 });
      abortFlags = new Int32Array(msg.abortFlags);
      self.postMessage({ type: "ready" } satisfies ReadReply);
    } catch (error) {
      self.postMessage({ type: "error", id: -1, error: describe(error) } satisfies ReadReply);
    }
    return;
  }
  const { id, hashes, slot } = msg;
  try {
    if (!store || !abortFlags) throw new Error("read worker used before init");
    const n = hashes.length / 32;
    const list: Uint8Array[] = new Array(n);
    for (let i = 0; i < n; i++) list[i] = hashes.subarray(i * 32, i * 32 + 32);
    const txs = await store.getTxs(list, flagSignal(abortFlags, slot));
    // One buffer for the batch: a transfer, not a structured clone of thousands of arrays.
    const lengths = new Int32Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const tx = txs[i];
      lengths[i] = tx ? tx.length : -1;
      if (tx) total += tx.length;
    }
    const data = new Uint8Array(total);
    for (let i = 0, at = 0; i < n; i++) {
      const tx = txs[i];
      if (!tx) continue;
      data.set(tx, at);
      at += tx.length;
    }
    self.postMessage({ type: "result", id, lengths, data } satisfies ReadReply, [lengths.buffer, data.buffer]);
  } catch (error) {
    self.postMessage({ type: "error", id, error: describe(error) } satisfies ReadReply);
  }
};

function describe(error: unknown): { name: string; code?: string; message: string; file?: string } {
  const e = error as { name?: string; code?: unknown; message?: string; file?: unknown } | undefined;
  return {
    name: String(e?.name ?? "Error"),
    message: String(e?.message ?? error),
    ...(typeof e?.code === "string" ? { code: e.code } : {}),
    ...(typeof e?.file === "string" ? { file: e.file } : {}),
  };
}
