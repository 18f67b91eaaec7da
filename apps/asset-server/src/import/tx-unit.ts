import { bytesEqual, parseTxExact, type Tx, toDisplayHex, txid } from "@subtreekit/subtree-stream";
import { asImportError, ImportError } from "./import-error.ts";
import { txRecord } from "./tx-record.ts";
import type { ImportUnit } from "./unit.ts";

/**
 * One transaction file (standard or EF, binary or hex-decoded): every byte must belong to the
 * tx and, when the file is named by a hash, its txid must be that hash. EF bytes are kept, so
 * `/tx/:hash` returns the file as given.
 */
export function txUnit(
  file: string,
  bytes: Uint8Array,
  expected: Uint8Array | undefined,
  options: { maxTxBytes?: number } = {},
): ImportUnit {
  let tx: Tx;
  try {
    tx = parseTxExact(bytes, { maxTxBytes: options.maxTxBytes });
  } catch (err) {
    throw asImportError(err, file, 0, "not a transaction");
  }
  const id = txid(tx);
  if (expected && !bytesEqual(id, expected)) {
    throw new ImportError("MISMATCH", file, 0, `txid ${toDisplayHex(id)} is not the file name`);
  }
  const record = txRecord(tx, file, 0, id);
  return {
    file,
    files: [file],
    kind: "tx",
    hash: toDisplayHex(id),
    txs: [record],
    blobs: [],
    summary: `tx ${toDisplayHex(id)} (${tx.extended ? "extended" : "standard"}, ${bytes.length} bytes)`,
  };
}
