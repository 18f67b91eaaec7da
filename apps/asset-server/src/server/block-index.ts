import {
  BLOCK_HEADER_BYTES,
  blockHash,
  fromHex,
  parseModelBlock,
  toDisplayHex,
  toHex,
} from "@subtreekit/subtree-stream";
import type { BlobStorePort } from "./ports.ts";

/** What the catch-up routes need of a stored block, without reading its file again. */
export interface IndexedBlock {
  /** Block hash, internal order, and as display hex. */
  hash: Uint8Array;
  hex: string;
  /** The 80 header bytes. */
  header: Uint8Array;
  /** Parent hash, internal-order hex (the key of `#byKey`). */
  prevKey: string;
  height: number;
}

/**
 * Stored blocks by hash and by parent, so `/headers_from_common_ancestor` walks a chain in memory
 * and `/block/:hash/json` can name the next block. Filled by the height scan (each block file is
 * parsed once there anyway) and by every lookup that misses (a block imported by another process
 * since the last scan is read from the store then), so walking back is never wrong, only the
 * children of a block can be up to one scan late.
 */
export class BlockIndex {
  readonly #byKey = new Map<string, IndexedBlock>();
  readonly #children = new Map<string, string[]>();

  constructor(readonly blobs: BlobStorePort) {}

  get size(): number {
    return this.#byKey.size;
  }

  /** Records a stored block from its model bytes; returns it (parsed by subtree-stream). */
  add(bytes: Uint8Array): IndexedBlock {
    const hash = blockHash(bytes);
    const key = toHex(hash);
    const known = this.#byKey.get(key);
    if (known) return known;
    const block = parseModelBlock(bytes);
    const entry: IndexedBlock = {
      hash,
      hex: toDisplayHex(hash),
      header: bytes.slice(0, BLOCK_HEADER_BYTES),
      prevKey: toHex(block.header.prevHash),
      height: block.height,
    };
    this.#byKey.set(key, entry);
    const siblings = this.#children.get(entry.prevKey);
    if (siblings) siblings.push(key);
    else this.#children.set(entry.prevKey, [key]);
    return entry;
  }

  /** The stored block `hash` (internal order), from memory or else the blob store; undefined when not stored. */
  async get(hash: Uint8Array): Promise<IndexedBlock | undefined> {
    return this.#byKey.get(toHex(hash)) ?? this.#load(hash);
  }

  /** The parent of `entry` when it is stored. */
  async parentOf(entry: IndexedBlock): Promise<IndexedBlock | undefined> {
    return this.#byKey.get(entry.prevKey) ?? this.#load(fromHex(entry.prevKey));
  }

  /** A child of `entry` known to the index (the first one seen, if there is a fork). */
  childOf(entry: IndexedBlock): IndexedBlock | undefined {
    const key = this.#children.get(toHex(entry.hash))?.[0];
    return key === undefined ? undefined : this.#byKey.get(key);
  }

  async #load(hash: Uint8Array): Promise<IndexedBlock | undefined> {
    if (!(await this.blobs.exists(hash, "block"))) return undefined;
    const bytes = await this.blobs.get(hash, "block");
    return bytes ? this.add(bytes) : undefined;
  }
}
