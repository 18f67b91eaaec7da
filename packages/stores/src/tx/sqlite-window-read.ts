import type { Statement } from "bun:sqlite";
import { bytesEqual } from "@subtreekit/subtree-stream";
import type { IdRow } from "./sqlite-read-rows.ts";

/** Rowids probed to decide whether a batch was inserted together. */
const SAMPLES = 16;
/** Below this a batch is answered by index probes alone; sampling would not pay. */
const MIN_BATCH = 64;

/**
 * Fast path for the common batch: a chunk of a subtree, whose txs were inserted together and so
 * sit in one stretch of rowids. Probes the index for a few evenly spaced hashes; if their rowids
 * span at most twice the batch, reads that stretch with one range scan (near table-scan speed)
 * and matches rows to requests by their 48-bit key and full hash, with no index probe per tx.
 *
 * Returns the indices of `hashes` not found this way — all of them when the batch is scattered —
 * for the caller's general path. Correct for any batch; only its speed depends on the layout.
 */
export function readWindow(
  hashes: readonly Uint8Array[],
  keys: Float64Array,
  idOf: Statement<{ id: number }, [number]>,
  byIdRange: Statement<IdRow, [number, number]>,
  take: (i: number, row: IdRow) => void,
  signal: AbortSignal | undefined,
): number[] {
  const n = hashes.length;
  const all = () => Array.from({ length: n }, (_, i) => i);
  if (n < MIN_BATCH) return all();
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let found = 0;
  for (let s = 0; s < SAMPLES; s++) {
    const id = idOf.get(keys[Math.floor((s * (n - 1)) / (SAMPLES - 1))]!)?.id;
    if (id === undefined) continue;
    found++;
    lo = Math.min(lo, id);
    hi = Math.max(hi, id);
  }
  const span = hi - lo + 1;
  if (found < SAMPLES / 2 || span > 2 * n) return all();
  // The samples include the first and last request, so a batch in insert order lies within
  // [lo, hi]; a little slack catches a batch that is slightly out of order.
  const pad = Math.min(Math.floor((2 * n - span) / 2), Math.ceil(n / (SAMPLES - 1)));
  signal?.throwIfAborted();
  // Keyed by the first 4 bytes as an int32: small integer keys hash fastest. A clash only sends
  // a request to the general path (the full hash is compared either way).
  const window = new Map<number, IdRow>();
  for (const row of byIdRange.iterate(Math.max(1, lo - pad), hi + pad)) window.set(key32(row.hash), row);
  const rest: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = window.get(key32(hashes[i]!));
    if (row && bytesEqual(row.hash, hashes[i]!)) take(i, row);
    else rest.push(i);
  }
  return rest;
}

const key32 = (h: Uint8Array): number => (h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!;
