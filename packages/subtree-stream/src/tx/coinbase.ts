import { u32 } from "./scan.ts";
import { asTx, type Tx } from "./tx.ts";

/**
 * Bitcoin's coinbase test (go-bt `IsCoinbase`): exactly one input whose prev txid is all zero and
 * whose prev index or sequence is 0xFFFFFFFF.
 *
 * @example
 * isCoinbase(parseTx(firstTxOfBlock)) // true
 */
export function isCoinbase(tx: Tx | Uint8Array): boolean {
  const t = asTx(tx);
  return isCoinbaseAt(t.bytes, t.inputCount, t.firstInput);
}

/** `isCoinbase` over a scanned buffer: `firstInput` is the absolute offset of input 0. */
export function isCoinbaseAt(buf: Uint8Array, inputCount: number, firstInput: number): boolean {
  if (inputCount !== 1) return false;
  for (let i = 0; i < 32; i++) if (buf[firstInput + i] !== 0) return false;
  if (u32(buf, firstInput + 32) === 0xffff_ffff) return true;
  // Sequence follows the unlocking script, whose length is a varint at firstInput + 36.
  let p = firstInput + 36;
  const b = buf[p] as number;
  let len: number;
  if (b < 0xfd) {
    len = b;
    p += 1;
  } else if (b === 0xfd) {
    len = (buf[p + 1] as number) | ((buf[p + 2] as number) << 8);
    p += 3;
  } else if (b === 0xfe) {
    len = u32(buf, p + 1);
    p += 5;
  } else {
    len = u32(buf, p + 5) * 0x1_0000_0000 + u32(buf, p + 1);
    p += 9;
  }
  return u32(buf, p + len) === 0xffff_ffff;
}
