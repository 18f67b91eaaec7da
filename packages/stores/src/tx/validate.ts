import { assertHash } from "@subtreekit/subtree-stream";
import type { LocatedTxRecord, TxRecord } from "./tx-store.ts";

/**
 * Checks every record before anything is written, so a bad row rejects the whole batch with a
 * TypeError naming its index instead of reaching the database half-way through.
 */
export function validateRecords(records: readonly (TxRecord | LocatedTxRecord)[]): void {
  if (!Array.isArray(records)) throw new TypeError("putTxs expects an array of records");
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    const at = `putTxs record ${i}`;
    if (typeof r !== "object" || r === null) throw new TypeError(`${at} is not an object`);
    assertHash(r.hash, `${at}: hash`);
    if ("at" in r) {
      const l = r.at;
      if (typeof l !== "object" || l === null || typeof l.path !== "string" || l.path === "")
        throw new TypeError(`${at}: at.path must be a file path`);
      if (!Number.isSafeInteger(l.offset) || l.offset < 0)
        throw new TypeError(`${at}: at.offset must be a non-negative integer, got ${String(l.offset)}`);
      if (!Number.isSafeInteger(l.length) || l.length <= 0)
        throw new TypeError(`${at}: at.length must be a positive integer, got ${String(l.length)}`);
    } else if (!(r.standard instanceof Uint8Array) || r.standard.length === 0) {
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
