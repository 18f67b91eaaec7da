import type { TxRecord } from "@subtreekit/stores";
import {
  blockHash,
  blockMerkleRoot,
  buildSubtree,
  COINBASE_PLACEHOLDER,
  type ModelBlock,
  meetsTarget,
  type SubtreeNode,
  serializeModelBlock,
  serializeSubtree,
  sha256dInto,
  subtreeRootWithCoinbase,
  toDisplayHex,
  txid,
  varintSize,
} from "@subtreekit/subtree-stream";
import { makeCoinbase } from "./coinbase.ts";
import { Prng } from "./prng.ts";
import { SeedError } from "./seed-error.ts";
import { SyntheticTxFactory } from "./synthetic-tx.ts";

/** The parts of the tx store `seed` writes through. */
export interface SeedTxStore {
  putTxs(records: readonly TxRecord[], options?: { signal?: AbortSignal }): Promise<void>;
}

/** The parts of the blob store `seed` writes through. */
export interface SeedBlobStore {
  exists(hash: Uint8Array, type: "subtree" | "block", options?: { signal?: AbortSignal }): Promise<boolean>;
  put(
    hash: Uint8Array,
    type: "subtree" | "block",
    bytes: Uint8Array,
    options?: { signal?: AbortSignal },
  ): Promise<void>;
}

/** Progress after each stored subtree. */
export interface SeedProgress {
  subtreesDone: number;
  subtrees: number;
  txsDone: number;
}

export interface SeedOptions {
  txStore: SeedTxStore;
  blobStore: SeedBlobStore;
  /** Subtrees in the block. */
  subtrees: number;
  /** Nodes per subtree (the first subtree's node 0 is the coinbase placeholder). */
  txs: number;
  /** About how big each tx is, in bytes (exactly, from 204 up: one input, two outputs). */
  txBytes: number;
  /** PRNG seed: the same seed (and sizes) gives the same txs, subtrees and block. Default 1. */
  seed?: number;
  /** Block height, also encoded in the coinbase (BIP34). Default 1000. */
  height?: number;
  signal?: AbortSignal;
  onProgress?: (progress: SeedProgress) => void;
}

export interface SeedResult {
  /** Block hash, display hex. */
  block: string;
  /** Subtree hashes in block order, display hex. */
  subtrees: string[];
  height: number;
  txCount: number;
}

function positiveInt(name: string, v: number, max: number): void {
  if (!Number.isSafeInteger(v) || v < 1 || v > max) {
    throw new SeedError("BAD_OPTION", `${name} must be an integer from 1 to ${max}, got ${v}`);
  }
}

/**
 * Stores a synthetic but well-formed block: `subtrees × txs` standard txs of about `txBytes`
 * bytes (real txids), full-form subtrees with real merkle roots, and a model block whose header
 * merkle root is the block merkle root of those subtrees with the real coinbase substituted for
 * the placeholder. Deterministic for a given seed. Txs go in one `putTxs` per subtree, so memory
 * is one subtree's txs (40 × 20000 × 2000 B seeds in chunks of 40 MB). Blobs already present
 * (same seed stored before) are kept.
 *
 * @example
 * const { block, subtrees } = await seed({ txStore, blobStore, subtrees: 4, txs: 1000, txBytes: 250 });
 */
export async function seed(options: SeedOptions): Promise<SeedResult> {
  const { txStore, blobStore, subtrees: n, txs: m, txBytes, signal } = options;
  const seedValue = options.seed ?? 1;
  const height = options.height ?? 1000;
  positiveInt("subtrees", n, 1_000_000);
  positiveInt("txs", m, 1 << 24);
  positiveInt("txBytes", txBytes, 1 << 20);
  positiveInt("height", height + 1, 2 ** 31);
  if (!Number.isSafeInteger(seedValue) || seedValue < 0) {
    throw new SeedError("BAD_OPTION", `seed must be a non-negative integer, got ${seedValue}`);
  }
  signal?.throwIfAborted();
  const prng = new Prng(seedValue);
  const coinbaseTx = makeCoinbase(height, prng);
  const coinbaseId = txid(coinbaseTx);
  const factory = new SyntheticTxFactory(prng, txBytes);
  const roots: Uint8Array[] = [];
  const hashes: Uint8Array[] = [];
  let sizeInBytes = 0;
  let txsDone = 0;
  for (let s = 0; s < n; s++) {
    signal?.throwIfAborted();
    const nodes: SubtreeNode[] = new Array(m);
    const records: TxRecord[] = [];
    if (s === 0) records.push({ hash: coinbaseId, standard: coinbaseTx, fee: 0, size: coinbaseTx.length });
    for (let i = 0; i < m; i++) {
      if (s === 0 && i === 0) {
        nodes[0] = { hash: COINBASE_PLACEHOLDER, fee: 0, size: 0 };
        continue;
      }
      const tx = factory.next();
      const hash = sha256dInto(tx, new Uint8Array(32));
      records.push({ hash, standard: tx, fee: 0, size: tx.length });
      nodes[i] = { hash, fee: 0, size: tx.length };
      sizeInBytes += tx.length;
    }
    await txStore.putTxs(records, { signal });
    const subtree = buildSubtree(nodes);
    const root = subtree.storedRoot;
    if (!(await blobStore.exists(root, "subtree", { signal }))) {
      await blobStore.put(root, "subtree", serializeSubtree(subtree, { magic: null }), { signal });
    }
    hashes.push(root);
    roots.push(
      s === 0
        ? subtreeRootWithCoinbase(
            nodes.map((x) => x.hash),
            coinbaseId,
          )
        : root,
    );
    txsDone += records.length;
    options.onProgress?.({ subtreesDone: s + 1, subtrees: n, txsDone });
  }
  const txCount = n * m;
  const header = {
    version: 0x2000_0000,
    prevHash: prng.fill(new Uint8Array(32)),
    merkleRoot: blockMerkleRoot(roots, { subtreeLeaves: hashes.map(() => m) }),
    timestamp: 1_700_000_000,
    // Regtest difficulty: about every second nonce meets it, so the header is really "mined".
    bits: 0x207f_ffff,
    nonce: 0,
  };
  while (!meetsTarget(header)) header.nonce++;
  const block: ModelBlock = {
    header,
    txCount,
    sizeInBytes: 80 + varintSize(txCount) + coinbaseTx.length + sizeInBytes,
    subtrees: hashes,
    coinbaseTx,
    height,
  };
  const hash = blockHash(header);
  if (!(await blobStore.exists(hash, "block", { signal }))) {
    await blobStore.put(hash, "block", serializeModelBlock(block), { signal });
  }
  return { block: toDisplayHex(hash), subtrees: hashes.map(toDisplayHex), height, txCount };
}
