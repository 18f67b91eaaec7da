/**
 * Range reads of a full-form subtree file (`S-1.0   ` magic, then
 * `root|fees|size|n|n×(hash,fee,size)|c|c×hash`, little-endian; spec §2.2). Reading ranges with
 * `Bun.file().slice()` keeps a 1M-node subtree (48 MB) out of memory: a JSON page or a node batch
 * costs only its own bytes.
 */
export const MAGIC_BYTES = 8;
export const HEAD_BYTES = 56;
export const NODE_BYTES = 48;

export interface SubtreeHead {
  root: Uint8Array;
  fees: bigint;
  sizeInBytes: bigint;
  count: number;
}

export async function readHead(path: string): Promise<SubtreeHead> {
  const b = new Uint8Array(
    await Bun.file(path)
      .slice(MAGIC_BYTES, MAGIC_BYTES + HEAD_BYTES)
      .arrayBuffer(),
  );
  if (b.length < HEAD_BYTES) throw new Error(`subtree file is truncated: ${b.length} head bytes`);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return {
    root: b.slice(0, 32),
    fees: v.getBigUint64(32, true),
    sizeInBytes: v.getBigUint64(40, true),
    count: Number(v.getBigUint64(48, true)),
  };
}

export interface SubtreeNode {
  hash: Uint8Array;
  fee: bigint;
  size: bigint;
}

/** Nodes `[from, to)` (clamped to the file). */
export async function readNodes(path: string, from: number, to: number): Promise<SubtreeNode[]> {
  const start = MAGIC_BYTES + HEAD_BYTES + from * NODE_BYTES;
  const b = new Uint8Array(
    await Bun.file(path)
      .slice(start, start + (to - from) * NODE_BYTES)
      .arrayBuffer(),
  );
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: SubtreeNode[] = [];
  for (let at = 0; at + NODE_BYTES <= b.length; at += NODE_BYTES) {
    out.push({ hash: b.slice(at, at + 32), fee: v.getBigUint64(at + 32, true), size: v.getBigUint64(at + 40, true) });
  }
  return out;
}

/** Conflicting node hashes (after the nodes). */
export async function readConflicting(path: string, count: number): Promise<Uint8Array[]> {
  const at = MAGIC_BYTES + HEAD_BYTES + count * NODE_BYTES;
  const head = new Uint8Array(
    await Bun.file(path)
      .slice(at, at + 8)
      .arrayBuffer(),
  );
  if (head.length < 8) return [];
  const c = Math.min(Number(new DataView(head.buffer).getBigUint64(0, true)), count, 100);
  const b = new Uint8Array(
    await Bun.file(path)
      .slice(at + 8, at + 8 + c * 32)
      .arrayBuffer(),
  );
  const out: Uint8Array[] = [];
  for (let i = 0; i + 32 <= b.length; i += 32) out.push(b.slice(i, i + 32));
  return out;
}

/**
 * Node hashes in batches of `batch`, read one range at a time: the ordered writer re-chunks
 * them, so memory stays at one batch however large the subtree.
 */
export async function* nodeHashes(
  path: string,
  count: number,
  { batch = 8192, signal }: { batch?: number; signal?: AbortSignal } = {},
): AsyncGenerator<Uint8Array[]> {
  for (let from = 0; from < count; from += batch) {
    signal?.throwIfAborted();
    const to = Math.min(count, from + batch);
    const start = MAGIC_BYTES + HEAD_BYTES + from * NODE_BYTES;
    const b = new Uint8Array(
      await Bun.file(path)
        .slice(start, start + (to - from) * NODE_BYTES)
        .arrayBuffer(),
    );
    if (b.length < (to - from) * NODE_BYTES)
      throw new Error(`subtree file is truncated at node ${from + b.length / 48}`);
    const out: Uint8Array[] = [];
    for (let at = 0; at < b.length; at += NODE_BYTES) out.push(b.subarray(at, at + 32));
    yield out;
  }
}

/**
 * The tx size the subtree file stores beside a node returned by {@link nodeHashes}: each node is a
 * view of the hash at the start of its 48-byte record (hash, fee, size), so the size is 40 bytes
 * on. Only for nodes from `nodeHashes` (a copied hash has no record behind it).
 */
export function storedTxSize(node: Uint8Array): number {
  const v = new DataView(node.buffer, node.byteOffset + 40, 8);
  return v.getUint32(0, true) + v.getUint32(4, true) * 2 ** 32;
}
