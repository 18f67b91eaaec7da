import {
  bytesEqual,
  COINBASE_PLACEHOLDER,
  isCoinbase,
  merkleRoot,
  parseTx,
  readTxsBatches,
  toDisplayHex,
} from "@subtreekit/subtree-stream";
import type { ImportTxStore } from "./commit-unit.ts";
import { verifyDataInput } from "./data-input.ts";
import { asImportError, ImportError } from "./import-error.ts";
import { stripMagic } from "./read-input.ts";
import { planSubtree } from "./subtree-plan.ts";
import type { ImportUnit } from "./unit.ts";

/**
 * A subtree_data file given without its subtree file (vector 8ddeb…): its nodes are its txids,
 * with a leading coinbase standing for the placeholder; the merkle root of those nodes must be
 * the file name, which verifies every tx at once. Stores the txs and the full-form subtree.
 */
export async function dataOnlyUnit(
  file: string,
  bytes: Uint8Array,
  expected: Uint8Array | undefined,
  options: { keepSubtreeData: boolean; txStore: ImportTxStore; maxTxBytes?: number; signal?: AbortSignal },
): Promise<ImportUnit> {
  if (!expected) {
    throw new ImportError("MISSING", file, 0, "subtree data needs its <hash>.subtree, or a file named by its hash");
  }
  const { body, base } = stripMagic(bytes, ["SD-1.0  "]);
  const nodes: Uint8Array[] = [];
  try {
    const stream = new Blob([body as Uint8Array<ArrayBuffer>]).stream() as ReadableStream<Uint8Array>;
    for await (const batch of readTxsBatches(stream, options)) {
      for (const t of batch)
        nodes.push(nodes.length === 0 && isCoinbase(parseTx(t.bytes)) ? COINBASE_PLACEHOLDER : t.txid);
    }
  } catch (err) {
    throw asImportError(err, file, base, "not subtree data");
  }
  if (nodes.length === 0) throw new ImportError("MALFORMED", file, base, "subtree data holds no txs");
  const root = merkleRoot(nodes);
  if (!bytesEqual(root, expected)) {
    throw new ImportError("MISMATCH", file, 0, `merkle root of its txids is ${toDisplayHex(root)}, not the file name`);
  }
  const data = await verifyDataInput(file, bytes, nodes, options);
  const plan = await planSubtree({ file, hash: root, nodes, full: undefined }, data, options);
  return {
    file,
    files: [file],
    kind: "subtree-data",
    hash: toDisplayHex(root),
    txs: plan.txs,
    blobs: plan.blobs,
    summary: `subtree ${toDisplayHex(root)} from its data: ${nodes.length} nodes, ${plan.txs.length} txs stored`,
  };
}
