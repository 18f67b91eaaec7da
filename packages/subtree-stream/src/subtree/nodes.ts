import { MalformedDataError } from "../errors/malformed-data-error.ts";
import { assertHash, HASH_BYTES } from "../hash.ts";

/**
 * Node hashes of a nodes-only subtree (the `GET /subtree/:hash` body: n × 32 bytes). Returns views
 * into `bytes`. A length that is not a multiple of 32 is `SUBTREE_TRUNCATED`.
 *
 * @example
 * const nodes = parseSubtreeNodes(new Uint8Array(await res.arrayBuffer()));
 */
export function parseSubtreeNodes(bytes: Uint8Array): Uint8Array[] {
  if (bytes.length % HASH_BYTES !== 0) {
    throw new MalformedDataError("SUBTREE_TRUNCATED", "nodes-only subtree is not a multiple of 32 bytes", bytes.length);
  }
  const nodes: Uint8Array[] = new Array(bytes.length / HASH_BYTES);
  for (let i = 0, p = 0; p < bytes.length; i++, p += HASH_BYTES) nodes[i] = bytes.subarray(p, p + HASH_BYTES);
  return nodes;
}

/**
 * The nodes-only form of `nodes` (concatenated hashes).
 *
 * @example
 * serializeSubtreeNodes(parseSubtree(file).nodes.map((n) => n.hash))
 */
export function serializeSubtreeNodes(nodes: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(nodes.length * HASH_BYTES);
  nodes.forEach((h, i) => {
    assertHash(h, `node ${i}`);
    out.set(h, i * HASH_BYTES);
  });
  return out;
}
