import type { TxRecord } from "@subtreekit/stores";

/** Most txs in one batch handed to the tx store. */
export const BATCH_TXS = 8192;
/** Most tx bytes (standard plus extended) in one batch, unless a single tx is larger. */
export const BATCH_BYTES = 8 * 2 ** 20;

/**
 * Groups `records` into batches of at most `maxTxs` txs and `maxBytes` bytes, pulled one at a
 * time: handed to `putTxBatches`, a whole subtree stays one transaction while only one batch of
 * it exists at once (when `records` is itself lazy). A tx larger than `maxBytes` goes alone.
 *
 * @example
 * await txStore.putTxBatches(boundedBatches(records), { signal });
 */
export function* boundedBatches(
  records: Iterable<TxRecord>,
  limits: { maxTxs?: number; maxBytes?: number } = {},
): Generator<TxRecord[]> {
  const { maxTxs = BATCH_TXS, maxBytes = BATCH_BYTES } = limits;
  let batch: TxRecord[] = [];
  let bytes = 0;
  for (const r of records) {
    const size = r.standard.length + (r.extended?.length ?? 0);
    if (batch.length > 0 && (batch.length >= maxTxs || bytes + size > maxBytes)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(r);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}
