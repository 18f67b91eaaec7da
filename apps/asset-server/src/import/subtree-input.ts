import {
  bytesEqual,
  firstRepeatedHash,
  merkleRoot,
  parseSubtree,
  parseSubtreeNodes,
  SUBTREE_HEAD_BYTES,
  SUBTREE_NODE_BYTES,
  type Subtree,
  toDisplayHex,
} from "@subtreekit/subtree-stream";
import { asImportError, ImportError } from "./import-error.ts";
import { stripMagic } from "./read-input.ts";

/** A verified subtree file: its nodes, and the full form when the file was in it. */
export interface SubtreeInput {
  file: string;
  hash: Uint8Array;
  nodes: Uint8Array[];
  /** Present for full-form input: fees and sizes as the file gives them. */
  full: Subtree | undefined;
}

const u64 = (v: DataView, at: number) => v.getUint32(at + 4, true) * 0x1_0000_0000 + v.getUint32(at, true);

// The full form's counts must account for every byte; a nodes-only file of the same length
// would also need its 32-byte chunk at 0 to be the merkle root of the rest, which the caller checks.
function looksFull(b: Uint8Array): boolean {
  if (b.length < 64) return false;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = u64(v, 48);
  if (n > (b.length - 64) / 48) return false;
  const c = u64(v, 56 + 48 * n);
  return 64 + 48 * n + 32 * c === b.length;
}

/**
 * Parses a subtree file in any form — full with magic (Teranode store copy), full without, or
 * nodes-only (`GET /subtree` body) — and checks its merkle root against `expected` (its name or
 * the block listing it). A full form must also agree with itself: stored root, fee and size sums.
 * No node may be listed twice.
 */
export function parseSubtreeInput(file: string, bytes: Uint8Array, expected: Uint8Array | undefined): SubtreeInput {
  const { base } = stripMagic(bytes, ["S-1.0   ", "SC-1.0  "]);
  let full: Subtree | undefined;
  let nodes: Uint8Array[];
  if (base > 0 || looksFull(bytes)) {
    try {
      full = parseSubtree(bytes);
    } catch (err) {
      throw asImportError(err, file, 0, "not a full-form subtree");
    }
    nodes = full.nodes.map((n) => n.hash);
    if (base === 0 && (nodes.length === 0 || !bytesEqual(merkleRoot(nodes), full.storedRoot))) {
      // Lengths fit the full form by chance: read it as nodes-only instead.
      full = undefined;
    }
  }
  if (!full) {
    try {
      nodes = parseSubtreeNodes(bytes);
    } catch (err) {
      throw asImportError(err, file, 0, "neither a full-form nor a nodes-only subtree (n × 32 bytes)");
    }
  }
  nodes = nodes!;
  if (nodes.length === 0) throw new ImportError("MALFORMED", file, base, "subtree has no nodes");
  const root = merkleRoot(nodes);
  if (full) {
    if (!bytesEqual(root, full.storedRoot)) {
      throw new ImportError(
        "MISMATCH",
        file,
        base,
        `stored root ${toDisplayHex(full.storedRoot)} is not the merkle root ${toDisplayHex(root)} of its nodes`,
      );
    }
    let fees = 0;
    let size = 0;
    for (const n of full.nodes) {
      fees += n.fee;
      size += n.size;
    }
    if (fees !== full.fees)
      throw new ImportError("MISMATCH", file, base + 32, `fees ${full.fees} ≠ Σ node fees ${fees}`);
    if (size !== full.sizeInBytes) {
      throw new ImportError("MISMATCH", file, base + 40, `sizeInBytes ${full.sizeInBytes} ≠ Σ node sizes ${size}`);
    }
  }
  // A repeated node keeps the root when it is the last ([a, b, c, c] hashes like [a, b, c]).
  const repeat = firstRepeatedHash(Buffer.concat(nodes));
  if (repeat) {
    const at = full ? base + SUBTREE_HEAD_BYTES + SUBTREE_NODE_BYTES * repeat[1] : base + 32 * repeat[1];
    throw new ImportError(
      "MISMATCH",
      file,
      at,
      `node ${repeat[1]} repeats node ${repeat[0]} (${toDisplayHex(nodes[repeat[0]]!)}); a tx is in a block once`,
    );
  }
  if (expected && !bytesEqual(root, expected)) {
    throw new ImportError(
      "MISMATCH",
      file,
      0,
      `merkle root of its ${nodes.length} nodes is ${toDisplayHex(root)}, expected ${toDisplayHex(expected)}`,
    );
  }
  return { file, hash: root, nodes, full };
}
