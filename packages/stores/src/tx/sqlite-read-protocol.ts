import type { SqliteTxStoreOptions } from "./sqlite-tx-store.ts";

/** First message to a read worker: the store to open and the pool's shared abort flags. */
export interface WorkerInit {
  type: "init";
  path: string;
  options: SqliteTxStoreOptions;
  /** One Int32 per worker slot; non-zero while that slot's current read is cancelled. */
  abortFlags: SharedArrayBuffer;
}

/** A batched lookup: txids back to back, 32 bytes each. */
export interface ReadRequest {
  type: "read";
  id: number;
  slot: number;
  hashes: Uint8Array;
}

/** A worker's answers: `lengths[i]` is -1 for an unknown txid; `data` holds the rest back to back. */
export type ReadReply =
  | { type: "ready" }
  | { type: "result"; id: number; lengths: Int32Array; data: Uint8Array }
  | { type: "error"; id: number; error: { name: string; code?: string; message: string; file?: string } };
