import { sha256dInto } from "../hash.ts";
import { asTx, type Tx } from "./tx.ts";

/**
 * Standard serialization of a tx: for EF, the slices between the EF-only ranges are copied (no
 * field is re-encoded); for a standard tx, a copy of its bytes.
 *
 * @example
 * const std = toStandardBytes(efBytes); // equals the .bin of the same tx
 */
export function toStandardBytes(tx: Tx | Uint8Array): Uint8Array {
  const t = asTx(tx);
  if (!t.extended) return t.bytes.slice();
  const out = new Uint8Array(t.standardSize);
  copyStandard(t.bytes, 0, t.bytes.length, t.cuts, t.cuts.length, out);
  return out;
}

/**
 * Copies the standard form of the tx at `buf[start..end)` into `out` (big enough) and returns the
 * length written. `cuts` are absolute offsets into `buf`, `cutCount` numbers of them.
 */
export function copyStandard(
  buf: Uint8Array,
  start: number,
  end: number,
  cuts: readonly number[],
  cutCount: number,
  out: Uint8Array,
): number {
  let from = start;
  let at = 0;
  for (let i = 0; i < cutCount; i += 2) {
    const cut = cuts[i] as number;
    out.set(buf.subarray(from, cut), at);
    at += cut - from;
    from = cuts[i + 1] as number;
  }
  out.set(buf.subarray(from, end), at);
  return at + end - from;
}

/**
 * Txid (internal order) of a tx: double SHA-256 of its standard form, whatever form it came in.
 *
 * @example
 * toDisplayHex(txid(parseTx(bytes)))
 */
export function txid(tx: Tx | Uint8Array): Uint8Array {
  const t = asTx(tx);
  const out = new Uint8Array(32);
  return sha256dInto(t.extended ? toStandardBytes(t) : t.bytes, out);
}

/**
 * Size in bytes of the standard form.
 *
 * @example
 * standardSize(efBytes) // e.g. 192 for a 232-byte EF tx
 */
export function standardSize(tx: Tx | Uint8Array): number {
  return asTx(tx).standardSize;
}
