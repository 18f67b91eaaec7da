import { join } from "node:path";
import { toDisplayHex } from "@subtreekit/subtree-stream";
import { assertBlobType, type BlobType } from "./blob-types.ts";

/**
 * Teranode's file layout: `<root>/<first hashPrefix hex of the display hash>/<display hash>.<type>`.
 * The name is built only from hex digits and a fixed type, so it can never leave `root`.
 * Throws a TypeError for a hash that is not 32 bytes or an unknown type.
 *
 * @example
 * ```ts
 * blobPath("/srv/subtreestore", 2, hash, "subtreeData"); // /srv/subtreestore/ab/ab12…ef.subtreeData
 * ```
 */
export function blobPath(root: string, hashPrefix: number, hash: Uint8Array, type: BlobType): string {
  assertBlobType(type);
  const name = toDisplayHex(hash);
  return hashPrefix > 0 ? join(root, name.slice(0, hashPrefix), `${name}.${type}`) : join(root, `${name}.${type}`);
}
