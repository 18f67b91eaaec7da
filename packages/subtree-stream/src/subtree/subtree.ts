import { MalformedDataError } from "../errors/malformed-data-error.ts";
import { HASH_BYTES } from "../hash.ts";
import { merkleRoot } from "../merkle/merkle-root.ts";
import { detectSubtreeMagic, magicBytes, type SubtreeMagic } from "./magic.ts";
import { readU64, writeU64 } from "./u64.ts";

/** One leaf of a full subtree. */
export interface SubtreeNode {
  /** Txid, internal order (the placeholder for a block's coinbase). */
  hash: Uint8Array;
  /** Fee in satoshis. */
  fee: number;
  /** Tx size in bytes. */
  size: number;
}

/** Head of the full form: root(32) fees(8) size(8) numLeaves(8). */
export const SUBTREE_HEAD_BYTES = 56;
/** One node record: hash(32) fee(8) size(8). */
export const SUBTREE_NODE_BYTES = 48;

/**
 * A subtree in the go-subtree full form (`Serialize()`), as stored on disk. Values are kept as read
 * so `serializeSubtree` reproduces the input byte for byte; `rootHash()` recomputes the root.
 */
export interface Subtree {
  /** File magic found before the payload, if any. */
  magic: SubtreeMagic | undefined;
  /** Root as stored (readers do not trust it; see `rootHash`). */
  storedRoot: Uint8Array;
  /** Stored sum of node fees. */
  fees: number;
  /** Stored sum of node sizes. */
  sizeInBytes: number;
  nodes: SubtreeNode[];
  /** Conflicting txids listed after the nodes. */
  conflictingNodes: Uint8Array[];
}

/**
 * Merkle root of a subtree's nodes (the placeholder taken as is) — equals its hash / file name.
 *
 * @example
 * toDisplayHex(subtreeRootHash(parseSubtree(file)))
 */
export function subtreeRootHash(subtree: Pick<Subtree, "nodes">): Uint8Array {
  return merkleRoot(subtree.nodes.map((n) => n.hash));
}

/**
 * Parses the full form, with or without an 8-byte `S-1.0   ` / `SC-1.0  ` magic. Every byte must
 * be consumed; counts are checked against the bytes present before anything is allocated.
 *
 * @example
 * const st = parseSubtree(fileBytes);
 * bytesEqual(subtreeRootHash(st), st.storedRoot)
 */
export function parseSubtree(bytes: Uint8Array): Subtree {
  const magic = detectSubtreeMagic(bytes);
  const base = magic ? 8 : 0;
  const body = bytes.subarray(base);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  if (body.length < SUBTREE_HEAD_BYTES + 8) throw truncated(base + body.length);
  const storedRoot = body.slice(0, HASH_BYTES);
  const fees = readU64(view, 32, base);
  const sizeInBytes = readU64(view, 40, base);
  const count = readU64(view, 48, base);
  if (count > (body.length - SUBTREE_HEAD_BYTES - 8) / SUBTREE_NODE_BYTES) {
    throw new MalformedDataError("SUBTREE_BAD_COUNT", `node count ${count} exceeds the bytes present`, base + 48);
  }
  const nodes: SubtreeNode[] = new Array(count);
  let p = SUBTREE_HEAD_BYTES;
  for (let i = 0; i < count; i++, p += SUBTREE_NODE_BYTES) {
    nodes[i] = {
      hash: body.slice(p, p + HASH_BYTES),
      fee: readU64(view, p + 32, base),
      size: readU64(view, p + 40, base),
    };
  }
  const conflicting = readU64(view, p, base);
  p += 8;
  if (conflicting * HASH_BYTES !== body.length - p) {
    const code = conflicting * HASH_BYTES > body.length - p ? "SUBTREE_BAD_COUNT" : "SUBTREE_TRAILING_BYTES";
    throw new MalformedDataError(
      code,
      `${conflicting} conflicting nodes do not match the ${body.length - p} bytes left`,
      base + p - 8,
    );
  }
  const conflictingNodes: Uint8Array[] = [];
  for (; p < body.length; p += HASH_BYTES) conflictingNodes.push(body.slice(p, p + HASH_BYTES));
  return { magic, storedRoot, fees, sizeInBytes, nodes, conflictingNodes };
}

/**
 * Serializes the full form; `magic` defaults to the one the subtree was read with (pass `null`
 * for none). Round-trips `parseSubtree` byte for byte.
 *
 * @example
 * serializeSubtree(parseSubtree(file)) // same bytes as file
 */
export function serializeSubtree(subtree: Subtree, options: { magic?: SubtreeMagic | null } = {}): Uint8Array {
  const magic = options.magic === undefined ? subtree.magic : (options.magic ?? undefined);
  const base = magic ? 8 : 0;
  const n = subtree.nodes.length;
  const c = subtree.conflictingNodes.length;
  const out = new Uint8Array(base + SUBTREE_HEAD_BYTES + n * SUBTREE_NODE_BYTES + 8 + c * HASH_BYTES);
  if (magic) out.set(magicBytes(magic));
  const view = new DataView(out.buffer, base);
  out.set(subtree.storedRoot, base);
  writeU64(view, 32, subtree.fees);
  writeU64(view, 40, subtree.sizeInBytes);
  writeU64(view, 48, n);
  let p = SUBTREE_HEAD_BYTES;
  for (const node of subtree.nodes) {
    out.set(node.hash, base + p);
    writeU64(view, p + 32, node.fee);
    writeU64(view, p + 40, node.size);
    p += SUBTREE_NODE_BYTES;
  }
  writeU64(view, p, c);
  p += 8;
  for (const h of subtree.conflictingNodes) {
    out.set(h, base + p);
    p += HASH_BYTES;
  }
  return out;
}

/**
 * A subtree from its nodes, with root, fees and size computed.
 *
 * @example
 * serializeSubtree(buildSubtree(nodes), { magic: "S-1.0   " })
 */
export function buildSubtree(nodes: SubtreeNode[], conflictingNodes: Uint8Array[] = []): Subtree {
  let fees = 0;
  let sizeInBytes = 0;
  for (const n of nodes) {
    fees += n.fee;
    sizeInBytes += n.size;
  }
  return { magic: undefined, storedRoot: subtreeRootHash({ nodes }), fees, sizeInBytes, nodes, conflictingNodes };
}

function truncated(offset: number): MalformedDataError {
  return new MalformedDataError("SUBTREE_TRUNCATED", "subtree ends inside its head", offset);
}
