import { assertHash } from "@subtreekit/subtree-stream";
import type { LocatedBatch, TxRecord } from "./tx-store.ts";

/**
 * Checks every record before anything is written, so a bad row rejects the whole batch with a
 * TypeError naming its index instead of reaching the database half-way through.
 */
export function validateRecords(records: readonly TxRecord[]): void {
  if (!Array.isArray(records)) throw new TypeError("putTxs expects an array of records");
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    const at = `putTxs record ${i}`;
    if (typeof r !== "object" || r === null) throw new TypeError(`${at} is not an object`);
    assertHash(r.hash, `${at}: hash`);
    if (!(r.standard instanceof Uint8Array) || r.standard.length === 0) {
      throw new TypeError(`${at}: standard must be a non-empty Uint8Array`);
    } else if (r.extended !== undefined && !(r.extended instanceof Uint8Array)) {
      throw new TypeError(`${at}: extended must be a Uint8Array when given`);
    }
    if (!Number.isSafeInteger(r.size) || r.size < 0) {
      throw new TypeError(`${at}: size must be a non-negative integer, got ${String(r.size)}`);
    }
    const fee = r.fee;
    if (fee !== undefined) {
      const ok = typeof fee === "bigint" ? fee >= 0n && fee < 2n ** 63n : Number.isSafeInteger(fee) && fee >= 0;
      if (!ok) throw new TypeError(`${at}: fee must be a non-negative 64-bit integer, got ${String(fee)}`);
    }
  }
}

/** Throws a TypeError unless every element is a 32-byte hash. */
export function assertHashes(hashes: readonly Uint8Array[]): void {
  if (!Array.isArray(hashes)) throw new TypeError("expected an array of 32-byte hashes");
  for (let i = 0; i < hashes.length; i++) assertHash(hashes[i], `hash ${i}`);
}

/** Checks a located batch whole before anything is written; a TypeError names the column and index. */
export function validateLocatedBatch(b: LocatedBatch): number {
  if (typeof b.path !== "string" || b.path === "") throw new TypeError("located batch: path must be a file path");
  if (!(b.hashes instanceof Uint8Array) || b.hashes.length % 32 !== 0)
    throw new TypeError("located batch: hashes must be a Uint8Array of 32-byte txids");
  const n = b.hashes.length / 32;
  if (!(b.offsets instanceof Float64Array) || b.offsets.length !== n)
    throw new TypeError(`located batch: offsets must be a Float64Array of ${n}`);
  if (!(b.lengths instanceof Uint32Array) || b.lengths.length !== n)
    throw new TypeError(`located batch: lengths must be a Uint32Array of ${n}`);
  for (let i = 0; i < n; i++) {
    const o = b.offsets[i]!;
    if (!Number.isSafeInteger(o) || o < 0)
      throw new TypeError(`located batch: offset ${i} must be a non-negative integer, got ${o}`);
    if (b.lengths[i] === 0) throw new TypeError(`located batch: length ${i} must be positive, got 0`);
  }
  return n;
}
