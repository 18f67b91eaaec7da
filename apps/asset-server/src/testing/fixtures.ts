import { COINBASE_PLACEHOLDER, sha256d, toDisplayHex } from "@subtreekit/subtree-stream";
import type { BlobStorePort, TxStorePort } from "../server/ports.ts";

/** What a test puts in: the stores the server reads, written through their own APIs. */
export interface SeedStores {
  blobs: BlobStorePort & {
    put(hash: Uint8Array, type: "subtree" | "subtreeData" | "block", bytes: Uint8Array): Promise<void>;
  };
  txs: TxStorePort & {
    putTxs(
      records: { hash: Uint8Array; standard: Uint8Array; extended?: Uint8Array; size: number; fee?: number }[],
    ): Promise<void>;
  };
}

let pool = new Uint8Array(0);
let poolAt = 0;
/** Random bytes from a pooled buffer: one getRandomValues call per 64 KiB, not per tx. */
function random(n: number): Uint8Array {
  if (poolAt + n > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(65_536));
    poolAt = 0;
  }
  poolAt += n;
  return pool.subarray(poolAt - n, poolAt);
}

/**
 * A random but valid standard tx of about `size` bytes (60..500): version 1, one input, one
 * output, locktime 0; the two scripts absorb the size, random content makes each txid unique.
 */
export function randomTx(size = 250): Uint8Array {
  const fixed = 4 + 1 + 32 + 4 + 1 + 4 + 1 + 8 + 1 + 4;
  const scripts = Math.max(2, Math.min(500, size) - fixed);
  const inLen = Math.min(200, Math.floor(scripts / 2));
  const outLen = Math.min(250, scripts - inLen);
  const tx = new Uint8Array(fixed + inLen + outLen);
  const v = new DataView(tx.buffer);
  v.setUint32(0, 1, true);
  tx[4] = 1;
  tx.set(random(32), 5);
  tx[41] = inLen;
  tx.set(random(inLen), 42);
  let at = 42 + inLen;
  v.setUint32(at, 0xffffffff, true);
  tx[at + 4] = 1;
  v.setBigUint64(at + 5, 10_000n, true);
  tx[at + 13] = outLen;
  tx.set(random(outLen), at + 14);
  at += 14 + outLen;
  v.setUint32(at, 0, true);
  return tx;
}

/** A coinbase tx (null outpoint, index 0xFFFFFFFF). */
export function coinbaseTx(height: number): Uint8Array {
  const script = [
    3,
    height & 0xff,
    (height >> 8) & 0xff,
    (height >> 16) & 0xff,
    ...crypto.getRandomValues(new Uint8Array(20)),
  ];
  return Uint8Array.from([
    1,
    0,
    0,
    0,
    1,
    ...new Uint8Array(32),
    0xff,
    0xff,
    0xff,
    0xff,
    script.length,
    ...script,
    0xff,
    0xff,
    0xff,
    0xff,
    1,
    0x00,
    0xf2,
    0x05,
    0x2a,
    0x01,
    0,
    0,
    0,
    25,
    ...new Uint8Array(25),
    0,
    0,
    0,
    0,
  ]);
}

/** Merkle root with the go-subtree rule: pad with zero hashes, (x, 0) → H(x‖x). */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 1) return leaves[0]!;
  let level = [...leaves];
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const l = level[i]!;
      const r = level[i + 1] ?? l;
      const buf = new Uint8Array(64);
      buf.set(l);
      buf.set(r, 32);
      next.push(sha256d(buf));
    }
    level = next;
  }
  return level[0]!;
}

/** Full-form subtree bytes (no magic): root|fees|size|n|n×(hash,fee,size)|0. */
export function fullFormSubtree(nodes: readonly { hash: Uint8Array; size: number }[]): {
  root: Uint8Array;
  bytes: Uint8Array;
} {
  const root = merkleRoot(nodes.map((n) => n.hash));
  const out = new Uint8Array(56 + nodes.length * 48 + 8);
  const v = new DataView(out.buffer);
  out.set(root, 0);
  let total = 0;
  nodes.forEach((n, i) => {
    out.set(n.hash, 56 + i * 48);
    v.setBigUint64(56 + i * 48 + 32, 1n, true);
    v.setBigUint64(56 + i * 48 + 40, BigInt(n.size), true);
    total += n.size;
  });
  v.setBigUint64(32, BigInt(nodes.length), true);
  v.setBigUint64(40, BigInt(total), true);
  v.setBigUint64(48, BigInt(nodes.length), true);
  return { root, bytes: out };
}

export interface SeededSubtree {
  hash: Uint8Array;
  hex: string;
  txids: Uint8Array[];
  /** Standard bytes of each tx, in node order. */
  txs: Uint8Array[];
  /** The exact subtree_data an on-demand build must produce (standard txs in node order). */
  data: Uint8Array;
}

/**
 * Generates `n` random txs, stores them, and stores their full-form subtree. `placeholder` puts
 * the coinbase placeholder at node 0 (a block's first subtree); `storeTxs: false` leaves the txs
 * out (a subtree whose txs are missing).
 */
export async function seedSubtree(
  stores: SeedStores,
  n: number,
  {
    txSize = 250,
    placeholder = false,
    storeTxs = true,
    batch = 20_000,
    // randomTx tops out near 500 B: a caller wanting bigger txs passes a maker (e.g. the seed's factory).
    makeTx = randomTx,
  }: {
    txSize?: number;
    placeholder?: boolean;
    storeTxs?: boolean;
    batch?: number;
    makeTx?: (size: number) => Uint8Array;
  } = {},
): Promise<SeededSubtree> {
  const txs: Uint8Array[] = [];
  const txids: Uint8Array[] = [];
  const nodes: { hash: Uint8Array; size: number }[] = placeholder ? [{ hash: COINBASE_PLACEHOLDER, size: 0 }] : [];
  for (let i = 0; i < n; i++) {
    const tx = makeTx(txSize);
    const id = sha256d(tx);
    txs.push(tx);
    txids.push(id);
    nodes.push({ hash: id, size: tx.length });
  }
  if (storeTxs) {
    for (let i = 0; i < n; i += batch) {
      await stores.txs.putTxs(
        txs.slice(i, i + batch).map((standard, j) => ({ hash: txids[i + j]!, standard, size: standard.length })),
      );
    }
  }
  const { root, bytes } = fullFormSubtree(nodes);
  await stores.blobs.put(root, "subtree", bytes);
  return { hash: root, hex: toDisplayHex(root), txids, txs, data: Buffer.concat(txs) };
}

function varintOf(n: number): Uint8Array {
  if (n < 0xfd) return Uint8Array.of(n);
  if (n <= 0xffff) return Uint8Array.of(0xfd, n & 0xff, n >>> 8);
  return Uint8Array.of(0xfe, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);
}

export interface SeededBlock {
  hash: Uint8Array;
  hex: string;
  /** Model block bytes as stored. */
  model: Uint8Array;
  /** The legacy wire block (no magic/size prefix) the server must reproduce byte for byte. */
  wire: Uint8Array;
  /** The reference's prefix: F9BEB4D9 + u32 LE (sizeInBytes + 80 + varint length). */
  prefix: Uint8Array;
  subtrees: SeededSubtree[];
  coinbase: Uint8Array;
}

/**
 * A block of `sizes.length` subtrees (the first with the coinbase placeholder at node 0), its txs
 * and subtrees stored, and the model block stored under the header's hash.
 */
export async function seedBlock(stores: SeedStores, sizes: number[], height = 1000): Promise<SeededBlock> {
  const subtrees: SeededSubtree[] = [];
  for (let i = 0; i < sizes.length; i++) subtrees.push(await seedSubtree(stores, sizes[i]!, { placeholder: i === 0 }));
  const coinbase = coinbaseTx(height);
  const header = random(80).slice();
  const txCount = 1 + sizes.reduce((a, b) => a + b, 0);
  const body = Buffer.concat([coinbase, ...subtrees.map((s) => s.data)]);
  const wire = Buffer.concat([header, varintOf(txCount), body]);
  const sizeInBytes = wire.length;
  const model = Buffer.concat([
    header,
    varintOf(txCount),
    varintOf(sizeInBytes),
    varintOf(subtrees.length),
    ...subtrees.map((s) => s.hash),
    coinbase,
    varintOf(height),
  ]);
  const prefix = new Uint8Array(8);
  prefix.set([0xf9, 0xbe, 0xb4, 0xd9]);
  new DataView(prefix.buffer).setUint32(4, sizeInBytes + 80 + varintOf(txCount).length, true);
  const hash = sha256d(header);
  await stores.blobs.put(hash, "block", model);
  return { hash, hex: toDisplayHex(hash), model, wire, prefix, subtrees, coinbase };
}

/** Extended Format (BIP-239) of a `randomTx`: marker after the version, prev satoshis + script per input. */
export function toExtended(tx: Uint8Array, prevSatoshis = 1): Uint8Array {
  const inputEnd = 5 + 36 + 1 + tx[41]! + 4;
  const prev = new Uint8Array(10);
  new DataView(prev.buffer).setBigUint64(0, BigInt(prevSatoshis), true);
  prev.set([1, 0x51], 8);
  return Buffer.concat([
    tx.subarray(0, 4),
    Buffer.from("0000000000ef", "hex"),
    tx.subarray(4, inputEnd),
    prev,
    tx.subarray(inputEnd),
  ]);
}
