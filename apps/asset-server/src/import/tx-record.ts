import type { TxRecord } from "@subtreekit/stores";
import { parseTx, type Tx, toStandardBytes, txFee, txid } from "@subtreekit/subtree-stream";
import { ImportError } from "./import-error.ts";

/**
 * The tx store record of one verified tx: standard bytes always (what subtree_data is built
 * from), the EF bytes as given when it came in Extended Format (`/tx/:hash` serves them), the
 * fee when EF carries the input amounts, and the standard size (what subtree nodes record).
 */
export function txRecord(tx: Tx | Uint8Array, file: string, offset: number, hash?: Uint8Array): TxRecord {
  const t = tx instanceof Uint8Array ? parseTx(tx) : tx;
  const standard = toStandardBytes(t);
  let fee: number | undefined;
  try {
    fee = txFee(t);
  } catch (err) {
    throw new ImportError("MALFORMED", file, offset, `tx amount out of range: ${(err as Error).message}`);
  }
  if (fee !== undefined && fee < 0) {
    throw new ImportError("MALFORMED", file, offset, `EF tx spends ${-fee} sat more than its inputs hold`);
  }
  return {
    hash: hash ?? txid(t),
    standard,
    extended: t.extended ? t.bytes.slice() : undefined,
    fee,
    size: standard.length,
  };
}
