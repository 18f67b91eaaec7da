import { MalformedTxError } from "../errors/malformed-tx-error.ts";
import { readVarint } from "../varint.ts";
import { u32 } from "./scan.ts";
import { asTx, type Tx } from "./tx.ts";

/** u64 LE as a number; real amounts (≤ 21e14 sat) are safe integers, others are rejected. */
function satoshis(buf: Uint8Array, p: number): number {
  const hi = u32(buf, p + 4);
  if (hi > 0x1f_ffff) throw new MalformedTxError("TX_VALUE_RANGE", "satoshi amount above 2^53-1", p);
  return hi * 0x1_0000_0000 + u32(buf, p);
}

/**
 * Fee of an EF tx: Σ prevSatoshis − Σ output satoshis (a number; may be negative for an invalid
 * tx). `undefined` for a standard tx, which does not carry its inputs' amounts.
 *
 * @example
 * txFee(parseTx(efBytes)) // 52494
 */
export function txFee(tx: Tx | Uint8Array): number | undefined {
  const t = asTx(tx);
  if (!t.extended) return undefined;
  const b = t.bytes;
  let fee = 0;
  // cuts[0..1] is the marker; each further pair starts with the input's prevSatoshis.
  for (let i = 2; i < t.cuts.length; i += 2) fee += satoshis(b, t.cuts[i] as number);
  let p = t.outputsAt;
  const count = readVarint(b, p);
  p += count.size;
  for (let i = 0; i < count.value; i++) {
    fee -= satoshis(b, p);
    const len = readVarint(b, p + 8);
    p += 8 + len.size + len.value;
  }
  return fee;
}
