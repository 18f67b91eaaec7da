import {
  blockHash,
  blockMerkleRoot,
  buildSubtree,
  COINBASE_PLACEHOLDER,
  parseTx,
  serializeSubtree,
  subtreeRootWithCoinbase,
  toDisplayHex,
  toStandardBytes,
  txid,
} from "@subtreekit/subtree-stream";

/** The parts of the real stores a test fills for our asset server to serve. */
export interface ImportStores {
  blobs: { put(hash: Uint8Array, type: "subtree" | "subtreeData" | "block", bytes: Uint8Array): Promise<void> };
  txs: {
    putTxs(
      records: { hash: Uint8Array; standard: Uint8Array; extended?: Uint8Array; size: number; fee?: number }[],
    ): Promise<void>;
  };
}

export interface ImportedBlock {
  hash: string;
  /** The hash, internal order (a `link.prev` for the next block). */
  raw: Uint8Array;
  subtrees: string[];
  txCount: number;
}

function varint(n: number): number[] {
  if (n < 0xfd) return [n];
  if (n <= 0xffff) return [0xfd, n & 0xff, n >>> 8];
  return [0xfe, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
}

/**
 * Stores a block the way the importer lays it out for the asset server: txs (all but the
 * coinbase) in the tx store, full subtrees of `subtreeSize` leaves (placeholder at node 0 of the
 * first) in the blob store, and the model block. `withData` also stores each `.subtreeData`, so
 * the server streams the file instead of building it on demand.
 */
export async function importBlock(
  stores: ImportStores,
  block: { header: Uint8Array; txs: Uint8Array[]; height: number },
  subtreeSize: number,
  withData = false,
  /** Make a synthetic header consistent: set its prev hash and its merkle root from the subtrees. */
  link?: { prev: Uint8Array },
): Promise<ImportedBlock> {
  const ids: Uint8Array[] = [];
  const std: Uint8Array[] = [];
  const records: { hash: Uint8Array; standard: Uint8Array; extended?: Uint8Array; size: number }[] = [];
  for (const tx of block.txs) {
    const extended = parseTx(tx).extended;
    const s = extended ? toStandardBytes(tx) : tx;
    const id = txid(tx);
    ids.push(id);
    std.push(s);
    if (ids.length > 1) records.push({ hash: id, standard: s, extended: extended ? tx : undefined, size: s.length });
  }
  await stores.txs.putTxs(records);
  const subtreeHashes: Uint8Array[] = [];
  const leaves: number[] = [];
  let firstNodes: Uint8Array[] = [];
  for (let k = 0; k < ids.length; k += subtreeSize) {
    const n = Math.min(subtreeSize, ids.length - k);
    const nodes = Array.from({ length: n }, (_, i) => ({
      hash: k + i === 0 ? COINBASE_PLACEHOLDER : ids[k + i]!,
      fee: 0,
      size: k + i === 0 ? 0 : std[k + i]!.length,
    }));
    const subtree = buildSubtree(nodes);
    const root = subtree.storedRoot;
    await stores.blobs.put(root, "subtree", serializeSubtree(subtree, { magic: null }));
    if (withData) await stores.blobs.put(root, "subtreeData", Buffer.concat(block.txs.slice(Math.max(1, k), k + n)));
    subtreeHashes.push(root);
    leaves.push(n);
    if (k === 0) firstNodes = nodes.map((x) => x.hash);
  }
  const header = block.header.slice();
  if (link) {
    header.set(link.prev, 4);
    const roots = subtreeHashes.map((h, i) => (i === 0 ? subtreeRootWithCoinbase(firstNodes, ids[0]!) : h));
    header.set(blockMerkleRoot(roots, { subtreeLeaves: leaves }), 36);
  }
  const size = 80 + varint(ids.length).length + std.reduce((a, s) => a + s.length, 0);
  const model = Buffer.concat([
    header,
    Uint8Array.from([...varint(ids.length), ...varint(size), ...varint(subtreeHashes.length)]),
    ...subtreeHashes,
    std[0]!,
    Uint8Array.from(varint(block.height)),
  ]);
  const hash = blockHash(header);
  await stores.blobs.put(hash, "block", model);
  return {
    hash: toDisplayHex(hash),
    raw: hash,
    subtrees: subtreeHashes.map((h) => toDisplayHex(h)),
    txCount: ids.length,
  };
}

/** A valid-looking standard tx of about `size` bytes with a unique random outpoint. */
export function syntheticTx(size: number): Uint8Array {
  const scripts = Math.max(2, size - 61);
  const inLen = Math.min(200, Math.floor(scripts / 2));
  const outLen = Math.min(250, scripts - inLen);
  return Uint8Array.from([
    1,
    0,
    0,
    0,
    1,
    ...crypto.getRandomValues(new Uint8Array(32)),
    0,
    0,
    0,
    0,
    inLen,
    ...crypto.getRandomValues(new Uint8Array(inLen)),
    0xff,
    0xff,
    0xff,
    0xff,
    1,
    0x10,
    0x27,
    0,
    0,
    0,
    0,
    0,
    0,
    outLen,
    ...crypto.getRandomValues(new Uint8Array(outLen)),
    0,
    0,
    0,
    0,
  ]);
}
