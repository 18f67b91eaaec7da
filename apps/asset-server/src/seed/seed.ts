import type { TxRecord } from "@subtreekit/stores";
import {
  blockHash,
  blockMerkleRoot,
  MerkleBuilder,
  type ModelBlock,
  meetsTarget,
  serializeModelBlock,
  toDisplayHex,
  txid,
  varintSize,
} from "@subtreekit/subtree-stream";
import { boundedBatches } from "../tx-batches/bounded-batches.ts";
import { makeCoinbase } from "./coinbase.ts";
import { Prng } from "./prng.ts";
import { SeedError } from "./seed-error.ts";
import { type SubtreeFileSink, writeSubtreeFile } from "./subtree-file-writer.ts";
import { leafNode, syntheticLeaves } from "./synthetic-leaves.ts";
import { SyntheticTxFactory } from "./synthetic-tx.ts";

/** The parts of the tx store `seed` writes through. */
export interface SeedTxStore {
  putTxs(records: readonly TxRecord[], options?: { signal?: AbortSignal }): Promise<void>;
  /** Used when present: a subtree's bounded batches then commit as one transaction. */
  putTxBatches?(batches: Iterable<readonly TxRecord[]>, options?: { signal?: AbortSignal }): Promise<void>;
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
  /** An atomic writer: a subtree file is written in pieces and published whole, or not at all. */
  createWriter(hash: Uint8Array, type: "subtree", options?: { signal?: AbortSignal }): Promise<SubtreeFileSink>;
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
  /** Parent hash (internal order), to extend a chain; default: random from the seed (a parent nobody has). */
  prevHash?: Uint8Array;
  /** Another PRNG sequence for the same seed: block i of a chain uses i, so its txs differ. Default 0. */
  stream?: number;
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
 * the placeholder. Deterministic for a given seed. Blobs already present (same seed stored
 * before) are kept.
 *
 * Memory does not grow with the subtree: its txs are made one at a time and handed to the tx
 * store in bounded batches (one `putTxBatches` transaction per subtree when the store has it,
 * else one `putTxs` per batch), the roots are computed as they pass, and the subtree file is
 * then written in pieces from a replay of the same PRNG state. A seed stopped part-way leaves
 * stored txs (keyed by txid, harmless) and only subtree files whose txs are all stored; the
 * block is written last, so a visible block is complete.
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
  const prng = new Prng(seedValue, options.stream ?? 0);
  const coinbaseTx = makeCoinbase(height, prng);
  const coinbaseId = txid(coinbaseTx);
  const factory = new SyntheticTxFactory(prng, txBytes);
  const coinbase: TxRecord = { hash: coinbaseId, standard: coinbaseTx, fee: 0, size: coinbaseTx.length };
  const roots: Uint8Array[] = [];
  const hashes: Uint8Array[] = [];
  let sizeInBytes = 0;
  let txsDone = 0;
  for (let s = 0; s < n; s++) {
    signal?.throwIfAborted();
    const first = s === 0;
    const replay = factory.fork();
    const tree = new MerkleBuilder();
    // Subtree 0's root in the block merkle tree has the real coinbase at node 0.
    const blockTree = first ? new MerkleBuilder() : tree;
    let subtreeBytes = 0;
    let records = 0;
    function* subtreeRecords(): Generator<TxRecord> {
      if (first) {
        records++;
        yield coinbase;
      }
      for (const leaf of syntheticLeaves(factory, m, first)) {
        tree.push(leaf.hash);
        if (first) blockTree.push(leaf.tx ? leaf.hash : coinbaseId);
        if (!leaf.tx) continue;
        subtreeBytes += leaf.tx.length;
        records++;
        yield { hash: leaf.hash, standard: leaf.tx, fee: 0, size: leaf.tx.length };
      }
    }
    const batches = boundedBatches(subtreeRecords());
    if (txStore.putTxBatches) await txStore.putTxBatches(batches, { signal });
    else for (const batch of batches) await txStore.putTxs(batch, { signal });
    // The roots are only right if the store pulled every batch, as its contract says.
    if (tree.length !== m) throw new Error(`tx store took ${tree.length} of ${m} txs of subtree ${s} and returned`);
    const root = tree.root();
    if (!(await blobStore.exists(root, "subtree", { signal }))) {
      const head = { root, fees: 0, sizeInBytes: subtreeBytes, count: m };
      const nodes = (function* () {
        for (const leaf of syntheticLeaves(replay, m, first)) yield leafNode(leaf);
      })();
      await writeSubtreeFile(await blobStore.createWriter(root, "subtree", { signal }), head, nodes, signal);
    }
    hashes.push(root);
    roots.push(blockTree.root());
    sizeInBytes += subtreeBytes;
    txsDone += records;
    options.onProgress?.({ subtreesDone: s + 1, subtrees: n, txsDone });
  }
  const txCount = n * m;
  const header = {
    version: 0x2000_0000,
    prevHash: options.prevHash ?? prng.fill(new Uint8Array(32)),
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
