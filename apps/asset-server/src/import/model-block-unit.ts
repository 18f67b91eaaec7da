import {
  blockHash,
  blockMerkleRoot,
  bytesEqual,
  firstRepeatedHash,
  isCoinbasePlaceholder,
  type ModelBlock,
  parseModelBlock,
  subtreeRootWithCoinbase,
  toDisplayHex,
  txid,
  varintSize,
} from "@subtreekit/subtree-stream";
import { bip34Height } from "./bip34.ts";
import type { ImportTxStore } from "./commit-unit.ts";
import type { DataInput } from "./data-input.ts";
import { asImportError, ImportError } from "./import-error.ts";
import { stripMagic } from "./read-input.ts";
import type { SubtreeInput } from "./subtree-input.ts";
import { planSubtree } from "./subtree-plan.ts";
import { txRecord } from "./tx-record.ts";
import type { ImportUnit, PlannedBlob } from "./unit.ts";

/** How a block's subtrees are found: a verified file (with data if any), or already stored. */
export type SubtreeSource =
  | { kind: "file"; input: SubtreeInput; data: DataInput | undefined }
  | { kind: "stored"; nodes: Uint8Array[] };

export function parseModelBlockFile(file: string, bytes: Uint8Array, expected: Uint8Array | undefined) {
  const { body, base } = stripMagic(bytes, ["B-1.0   "]);
  // The name check first: a file of another kind under a block's name is reported as such,
  // not as whatever its bytes happen to break in the block parser.
  if (expected && body.length >= 80 && !bytesEqual(blockHash(body), expected)) {
    throw new ImportError("WRONG_KIND", file, base, "not a block: its first 80 bytes do not hash to the file name");
  }
  let block: ModelBlock;
  try {
    block = parseModelBlock(body);
  } catch (err) {
    throw asImportError(err, file, base, "not a Teranode model block");
  }
  const hash = blockHash(block.header);
  if (expected && !bytesEqual(hash, expected)) {
    throw new ImportError("WRONG_KIND", file, base, `header hash ${toDisplayHex(hash)} is not the file name`);
  }
  // A repeated last subtree keeps the block merkle root, as a repeated node keeps a subtree's.
  const repeat = firstRepeatedHash(Buffer.concat(block.subtrees));
  if (repeat) {
    const listAt =
      base + 80 + varintSize(block.txCount) + varintSize(block.sizeInBytes) + varintSize(block.subtrees.length);
    throw new ImportError(
      "MISMATCH",
      file,
      listAt + 32 * repeat[1],
      `subtree ${repeat[1]} repeats subtree ${repeat[0]} (${toDisplayHex(block.subtrees[repeat[0]]!)})`,
    );
  }
  return { block, body, base, hash };
}

/**
 * A model block with its subtrees: checks the height against the coinbase (BIP34), the node
 * count against txCount, the block merkle root (coinbase substituted in subtree 0, last subtree
 * lifted) against the header, and — when every subtree's data is there — sizeInBytes. Stores
 * the block file's bytes unchanged, so `/block/:hash` returns them exactly.
 */
export async function modelBlockUnit(
  file: string,
  parsed: ReturnType<typeof parseModelBlockFile>,
  sources: SubtreeSource[],
  options: { keepSubtreeData: boolean; txStore: ImportTxStore; signal?: AbortSignal },
): Promise<ImportUnit> {
  const { block, body, base, hash } = parsed;
  const coinbaseId = txid(block.coinbaseTx);
  const cbHeight = bip34Height(block.coinbaseTx);
  if (cbHeight !== undefined && cbHeight !== block.height) {
    throw new ImportError("MISMATCH", file, base, `height ${block.height} but the coinbase says ${cbHeight} (BIP34)`);
  }
  const roots: Uint8Array[] = [];
  const leaves: number[] = [];
  let nodesTotal = 0;
  sources.forEach((src, i) => {
    const nodes = src.kind === "file" ? src.input.nodes : src.nodes;
    if (i === 0 && !isCoinbasePlaceholder(nodes[0] as Uint8Array)) {
      throw new ImportError("MISMATCH", file, base, "node 0 of the first subtree is not the coinbase placeholder");
    }
    roots.push(i === 0 ? subtreeRootWithCoinbase(nodes, coinbaseId) : (block.subtrees[i] as Uint8Array));
    leaves.push(nodes.length);
    nodesTotal += nodes.length;
  });
  if (sources.length > 0 && nodesTotal !== block.txCount) {
    throw new ImportError(
      "MISMATCH",
      file,
      base + 80,
      `txCount ${block.txCount} but the subtrees hold ${nodesTotal} nodes`,
    );
  }
  const computed = sources.length === 0 ? coinbaseId : blockMerkleRoot(roots, { subtreeLeaves: leaves });
  if (!bytesEqual(computed, block.header.merkleRoot)) {
    throw new ImportError(
      "MISMATCH",
      file,
      base + 36,
      `header merkle root ${toDisplayHex(block.header.merkleRoot)} ≠ ${toDisplayHex(computed)} from its subtrees`,
    );
  }
  const txs = [txRecord(block.coinbaseTx, file, base, coinbaseId)];
  const blobs: PlannedBlob[] = [];
  let withData = 0;
  let dataSize = 0;
  const files = [file];
  for (const src of sources) {
    if (src.kind !== "file") continue;
    files.push(src.input.file);
    if (src.data) {
      files.push(src.data.file);
      withData++;
      for (const r of src.data.records) if (!bytesEqual(r.hash, coinbaseId)) dataSize += r.size;
    }
    const plan = await planSubtree(src.input, src.data, options);
    txs.push(...plan.txs);
    blobs.push(...plan.blobs);
  }
  if (sources.length > 0 && withData === sources.length) {
    const size = 80 + varintSize(block.txCount) + block.coinbaseTx.length + dataSize;
    if (size !== block.sizeInBytes) {
      throw new ImportError("MISMATCH", file, base + 80, `sizeInBytes ${block.sizeInBytes} ≠ ${size} from its txs`);
    }
  }
  blobs.push({ hash, type: "block", bytes: body });
  return {
    file,
    files,
    kind: "model-block",
    hash: toDisplayHex(hash),
    txs,
    blobs,
    summary: `model block ${toDisplayHex(hash)} height ${block.height}: ${sources.length} subtrees, ${txs.length} txs stored`,
  };
}
