import { MalformedDataError } from "../../errors/malformed-data-error.ts";
import { HASH_BYTES } from "../../hash.ts";
import { detectSubtreeMagic, SUBTREE_MAGIC_BYTES, type SubtreeMagic } from "../../subtree/magic.ts";
import { readU64 } from "../../subtree/u64.ts";
import { NODES_AT, readRange, truncated } from "./read-range.ts";

/** The head of a subtree file: what a page or a build needs before reading any node. */
export interface SubtreeFileHead {
  /** `S-1.0   ` (subtree) or `SC-1.0  ` (subtree to check). */
  magic: SubtreeMagic;
  /** Root as stored (not recomputed). */
  storedRoot: Uint8Array;
  /** Stored sum of node fees. */
  fees: number;
  /** Stored sum of node sizes. */
  sizeInBytes: number;
  /** Number of nodes. */
  count: number;
}

/**
 * Reads the magic and head of a full-form subtree file as a blob store keeps it (8-byte magic,
 * then `root|fees|size|n|...`), without reading its nodes. A missing magic is
 * `SUBTREE_BAD_MAGIC`, a short file `SUBTREE_TRUNCATED` (both `MalformedDataError` with `path`).
 *
 * @example
 * const { count } = await readSubtreeFileHead(path, { signal });
 */
export async function readSubtreeFileHead(
  path: string,
  { signal }: { signal?: AbortSignal } = {},
): Promise<SubtreeFileHead> {
  const b = await readRange(path, 0, NODES_AT, signal);
  const magic = detectSubtreeMagic(b);
  if (!magic) {
    throw new MalformedDataError("SUBTREE_BAD_MAGIC", "subtree file does not start with a subtree magic", 0, { path });
  }
  if (b.length < NODES_AT) throw truncated(path, "its head", 0, b.length);
  const v = new DataView(b.buffer, b.byteOffset + SUBTREE_MAGIC_BYTES);
  return {
    magic,
    storedRoot: b.slice(SUBTREE_MAGIC_BYTES, SUBTREE_MAGIC_BYTES + HASH_BYTES),
    fees: readU64(v, 32, SUBTREE_MAGIC_BYTES, path),
    sizeInBytes: readU64(v, 40, SUBTREE_MAGIC_BYTES, path),
    count: readU64(v, 48, SUBTREE_MAGIC_BYTES, path),
  };
}
