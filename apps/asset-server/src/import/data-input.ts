import type { TxRecord } from "@subtreekit/stores";
import { isCoinbasePlaceholder, parseTx, readSubtreeDataBatches } from "@subtreekit/subtree-stream";
import { asImportError } from "./import-error.ts";
import { stripMagic } from "./read-input.ts";
import { txRecord } from "./tx-record.ts";

/** A subtree_data file verified against its subtree's nodes. */
export interface DataInput {
  file: string;
  /** One record per tx, in node order (a leading coinbase included). */
  records: TxRecord[];
  /** Fee and size per node index (the placeholder slot has none unless a coinbase filled it). */
  byNode: Map<number, { fee: number; size: number }>;
  /** The file's payload (magic stripped) for `--keep-subtree-data`. */
  payload: Uint8Array;
}

/**
 * Verifies a subtree_data file (standard or EF txs, optional leading coinbase in the placeholder
 * slot, optional `SD-1.0` magic) with the same streaming reader peers use: every txid must equal
 * its node, the count must equal the node count, a cut tx is an error. Errors carry the file and
 * byte offset.
 */
export async function verifyDataInput(
  file: string,
  bytes: Uint8Array,
  nodes: readonly Uint8Array[],
  options: { maxTxBytes?: number; signal?: AbortSignal } = {},
): Promise<DataInput> {
  const { body, base } = stripMagic(bytes, ["SD-1.0  "]);
  const records: TxRecord[] = [];
  const byNode = new Map<number, { fee: number; size: number }>();
  try {
    const stream = new Blob([body as Uint8Array<ArrayBuffer>]).stream() as ReadableStream<Uint8Array>;
    for await (const batch of readSubtreeDataBatches(stream, nodes, options)) {
      for (const t of batch) {
        const rec = txRecord(parseTx(t.bytes), file, base + t.offset, t.txid);
        records.push(rec);
        byNode.set(t.index, { fee: Number(rec.fee ?? 0), size: rec.size });
      }
    }
  } catch (err) {
    throw asImportError(err, file, base, "subtree data does not match its subtree");
  }
  // A coinbase in the placeholder slot stays a zero node: the placeholder has fee 0 and size 0.
  if (nodes[0] && isCoinbasePlaceholder(nodes[0])) byNode.delete(0);
  return { file, records, byNode, payload: body };
}
