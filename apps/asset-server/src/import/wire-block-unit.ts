import type { TxRecord } from "@subtreekit/stores";
import {
  BLOCK_HEADER_BYTES,
  blockHash,
  blockMerkleRoot,
  buildSubtree,
  bytesEqual,
  COINBASE_PLACEHOLDER,
  firstRepeatedHash,
  hasWireMagic,
  isCoinbase,
  type ModelBlock,
  merkleRoot,
  parseWireBlock,
  type SubtreeNode,
  serializeModelBlock,
  serializeSubtree,
  subtreeRootWithCoinbase,
  toDisplayHex,
  varintSize,
  type WireBlock,
} from "@subtreekit/subtree-stream";
import { bip34Height } from "./bip34.ts";
import { asImportError, ImportError } from "./import-error.ts";
import { txRecord } from "./tx-record.ts";
import type { ImportUnit, PlannedBlob } from "./unit.ts";

/** True when `bytes` (after an optional F9BEB4D9 prefix) starts with a header hashing to `hash`. */
export function isWireBlockOf(bytes: Uint8Array, hash: Uint8Array): boolean {
  const at = hasWireMagic(bytes) ? 8 : 0;
  return bytes.length >= at + BLOCK_HEADER_BYTES && bytesEqual(blockHash(bytes.subarray(at)), hash);
}

/**
 * A legacy (wire) block, with or without the `F9BEB4D9`+size prefix, turned into what Teranode
 * stores: its txs, full-form subtrees of `subtreeSize` nodes (the coinbase placeholder at node
 * 0, the last subtree short) and a model block (header, txCount, sizeInBytes = the wire payload
 * length, subtree hashes, coinbase, BIP34 height). The server then rebuilds the same wire bytes
 * for `/block_legacy/:hash?wire=1`: header, the same tx-count varint, the coinbase, every tx in
 * standard form — so the import refuses a file it could not reproduce (non-canonical varint).
 */
export function wireBlockUnit(
  file: string,
  bytes: Uint8Array,
  expected: Uint8Array | undefined,
  options: { subtreeSize: number; maxTxBytes?: number },
): ImportUnit {
  const base = hasWireMagic(bytes) ? 8 : 0;
  let wire: WireBlock;
  try {
    wire = parseWireBlock(bytes, { maxTxBytes: options.maxTxBytes });
  } catch (err) {
    throw asImportError(err, file, 0, "not a wire block");
  }
  const { header, txs } = wire;
  const hash = blockHash(header);
  if (expected && !bytesEqual(hash, expected)) {
    throw new ImportError("WRONG_KIND", file, base, `header hash ${toDisplayHex(hash)} is not the file name`);
  }
  const payload = bytes.length - base;
  if (BLOCK_HEADER_BYTES + varintSize(txs.length) + txs.reduce((n, t) => n + t.size, 0) !== payload) {
    throw new ImportError("MALFORMED", file, base + BLOCK_HEADER_BYTES, "tx count varint is not canonical");
  }
  const offsets: number[] = [];
  let at = base + BLOCK_HEADER_BYTES + varintSize(txs.length);
  for (const t of txs) {
    offsets.push(at);
    at += t.size;
  }
  const first = txs[0];
  if (!first || !isCoinbase(first)) {
    throw new ImportError("MALFORMED", file, offsets[0] ?? at, "the first tx is not a coinbase");
  }
  const records: TxRecord[] = txs.map((t, i) => txRecord(t, file, offsets[i] as number));
  const ids = records.map((r) => r.hash);
  // A repeated last tx keeps the merkle root (CVE-2012-2459): the header cannot tell.
  const repeat = firstRepeatedHash(Buffer.concat(ids));
  if (repeat) {
    throw new ImportError(
      "MISMATCH",
      file,
      offsets[repeat[1]] as number,
      `tx ${repeat[1]} repeats tx ${repeat[0]} (${toDisplayHex(ids[repeat[0]]!)})`,
    );
  }
  if (!bytesEqual(merkleRoot(ids), header.merkleRoot)) {
    throw new ImportError("MISMATCH", file, base + 36, "header merkle root is not the merkle root of its txids");
  }
  for (let i = 1; i < txs.length; i++) {
    if (isCoinbase(txs[i] as (typeof txs)[number])) {
      throw new ImportError("MALFORMED", file, offsets[i] as number, `tx ${i} is a second coinbase`);
    }
  }
  const coinbase = records[0] as TxRecord;
  const height = bip34Height(coinbase.standard) ?? 0;

  const size = options.subtreeSize;
  const subtrees: Uint8Array[] = [];
  const roots: Uint8Array[] = [];
  const leaves: number[] = [];
  const blobs: PlannedBlob[] = [];
  for (let from = 0; from < records.length; from += size) {
    const nodes: SubtreeNode[] = records
      .slice(from, from + size)
      .map((r, k) =>
        from + k === 0
          ? { hash: COINBASE_PLACEHOLDER, fee: 0, size: 0 }
          : { hash: r.hash, fee: Number(r.fee ?? 0), size: r.size },
      );
    const st = buildSubtree(nodes);
    subtrees.push(st.storedRoot);
    leaves.push(nodes.length);
    roots.push(
      from === 0
        ? subtreeRootWithCoinbase(
            nodes.map((n) => n.hash),
            coinbase.hash,
          )
        : st.storedRoot,
    );
    blobs.push({ hash: st.storedRoot, type: "subtree", bytes: serializeSubtree(st, { magic: null }) });
  }
  // Self-check of the split: Teranode's block merkle rule over our subtrees must give the header's.
  if (!bytesEqual(blockMerkleRoot(roots, { subtreeLeaves: leaves }), header.merkleRoot)) {
    throw new ImportError("MISMATCH", file, base + 36, `subtrees of ${size} do not reproduce the merkle root`);
  }
  const model: ModelBlock = {
    header,
    txCount: txs.length,
    sizeInBytes: payload,
    subtrees,
    coinbaseTx: coinbase.standard,
    height,
  };
  blobs.push({ hash, type: "block", bytes: serializeModelBlock(model) });
  return {
    file,
    files: [file],
    kind: "wire-block",
    hash: toDisplayHex(hash),
    txs: records,
    blobs,
    summary: `wire block ${toDisplayHex(hash)} height ${height}: ${subtrees.length} subtrees of ≤${size}, ${records.length} txs stored`,
  };
}
