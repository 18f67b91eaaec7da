import type { TxRecord } from "@subtreekit/stores";
import { toDisplayHex } from "@subtreekit/subtree-stream";
import { boundedBatches } from "../tx-batches/bounded-batches.ts";
import { ImportError } from "./import-error.ts";
import type { ImportBlobType, ImportUnit } from "./unit.ts";

/** The parts of the stores an import writes through. */
export interface ImportTxStore {
  putTxs(records: readonly TxRecord[], options?: { signal?: AbortSignal }): Promise<void>;
  /** Used when present, so a unit's txs reach the store in bounded batches yet one transaction. */
  putTxBatches?(batches: Iterable<readonly TxRecord[]>, options?: { signal?: AbortSignal }): Promise<void>;
  getTx(hash: Uint8Array, options?: { signal?: AbortSignal }): Promise<{ fee?: bigint; size: number } | undefined>;
  has(hashes: readonly Uint8Array[], options?: { signal?: AbortSignal }): Promise<boolean[]>;
}

export interface ImportBlobStore {
  exists(hash: Uint8Array, type: ImportBlobType, options?: { signal?: AbortSignal }): Promise<boolean>;
  get(hash: Uint8Array, type: "subtree", options?: { signal?: AbortSignal }): Promise<Uint8Array | undefined>;
  put(hash: Uint8Array, type: ImportBlobType, bytes: Uint8Array, options?: { signal?: AbortSignal }): Promise<void>;
  delete(hash: Uint8Array, type: ImportBlobType): Promise<boolean>;
}

/**
 * Writes a verified unit: all its txs in one transaction (bounded batches through
 * `putTxBatches`, or one `putTxs` where a store lacks it), then each blob atomically
 * (temp file + rename). A blob already stored is kept: blobs are named by their hash, so it holds
 * the same nodes. If a blob write fails, the blobs this unit published are deleted again; its
 * txs stay in the tx store — they are content-addressed (keyed by txid), so they are correct
 * data that nothing references yet, and a retry re-uses them.
 */
export async function commitUnit(
  unit: ImportUnit,
  txStore: ImportTxStore,
  blobStore: ImportBlobStore,
  signal?: AbortSignal,
): Promise<{ blobsWritten: number; blobsKept: number }> {
  signal?.throwIfAborted();
  try {
    if (unit.txs.length > 0 && txStore.putTxBatches) {
      await txStore.putTxBatches(boundedBatches(unit.txs), { signal });
    } else if (unit.txs.length > 0) await txStore.putTxs(unit.txs, { signal });
  } catch (err) {
    throw new ImportError("IO", unit.file, 0, `tx store write failed, nothing stored: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const written: { hash: Uint8Array; type: ImportBlobType }[] = [];
  let kept = 0;
  for (const blob of unit.blobs) {
    try {
      signal?.throwIfAborted();
      if (await blobStore.exists(blob.hash, blob.type, { signal })) {
        kept++;
        continue;
      }
      await blobStore.put(blob.hash, blob.type, blob.bytes, { signal });
      written.push(blob);
    } catch (err) {
      for (const w of written.reverse()) await blobStore.delete(w.hash, w.type).catch(() => {});
      const what = `${toDisplayHex(blob.hash)}.${blob.type}`;
      throw new ImportError(
        "IO",
        unit.file,
        0,
        `writing ${what} failed (${(err as Error).message}); its blobs were removed again, ` +
          `its ${unit.txs.length} txs stay in the tx store (keyed by txid, harmless)`,
        { cause: err },
      );
    }
  }
  return { blobsWritten: written.length, blobsKept: kept };
}
