import type { Statement } from "bun:sqlite";

/**
 * Rows whose rowids are at most this far apart are read with one range scan rather than
 * point lookups: skipping a row in a scan costs a fraction of a B-tree descent.
 */
const MAX_GAP = 16;
const ABORT_CHECK_EVERY = 1024;

/** A row as phase 2 reads it; `standard` and its location only when the statement selects them. */
export interface IdRow {
  id: number;
  hash: Uint8Array;
  standard?: Uint8Array;
  /** A row stored by location (schema v3): its file's id, offset and length; else null. */
  file?: number | null;
  off?: number | null;
  len?: number | null;
}

/**
 * Phase 2 of a batched lookup: calls `take(i, row)` with the row of rowid `ids[i]` for every
 * `i` whose id is known (≥ 0). Rowids are visited in ascending order and grouped into runs;
 * since txs are inserted subtree by subtree, a chunk of a subtree is one run read by one
 * sequential range scan, close to the speed of a table scan.
 */
export function readRowsById(
  ids: Float64Array,
  byId: Statement<IdRow, [number]>,
  byIdRange: Statement<IdRow, [number, number]>,
  take: (i: number, row: IdRow) => void,
  signal: AbortSignal | undefined,
): void {
  const found: number[] = [];
  for (let i = 0; i < ids.length; i++) if (ids[i]! >= 0) found.push(i);
  const order = Uint32Array.from(found).sort((a, b) => ids[a]! - ids[b]!);
  let k = 0;
  let sinceCheck = 0;
  while (k < order.length) {
    let j = k;
    while (j + 1 < order.length && ids[order[j + 1]!]! - ids[order[j]!]! <= MAX_GAP) j++;
    if ((sinceCheck += j - k + 1) >= ABORT_CHECK_EVERY) {
      signal?.throwIfAborted();
      sinceCheck = 0;
    }
    const lo = ids[order[k]!]!;
    const hi = ids[order[j]!]!;
    if (lo === hi) {
      const row = byId.get(lo);
      for (; k <= j; k++) if (row) take(order[k]!, row);
      continue;
    }
    for (const row of byIdRange.iterate(lo, hi)) {
      // Every wanted id of the run lies in [lo, hi]; duplicates in the request share one row.
      while (k <= j && ids[order[k]!] === row.id) take(order[k++]!, row);
    }
    k = j + 1;
  }
}
