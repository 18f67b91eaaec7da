/**
 * go-subtree `Serialize()`: `root | fees u64 | sizeInBytes u64 | n u64 | n×(hash, fee u64,
 * size u64) | numConflicting u64`, little-endian, no conflicting nodes. This is what the blob
 * store keeps as `subtree` (after its magic header), so our asset server can serve what the
 * validator stored.
 */
export function serializeFullSubtree(
  root: Uint8Array,
  nodes: Uint8Array,
  fees: Float64Array,
  sizes: Float64Array,
): Uint8Array {
  const n = nodes.length / 32;
  const out = new Uint8Array(32 + 24 + n * 48 + 8);
  const dv = new DataView(out.buffer);
  out.set(root, 0);
  let totalFee = 0;
  let totalSize = 0;
  let p = 56;
  for (let i = 0; i < n; i++, p += 48) {
    out.set(nodes.subarray(i * 32, i * 32 + 32), p);
    dv.setBigUint64(p + 32, BigInt(fees[i] ?? 0), true);
    dv.setBigUint64(p + 40, BigInt(sizes[i] ?? 0), true);
    totalFee += fees[i] ?? 0;
    totalSize += sizes[i] ?? 0;
  }
  dv.setBigUint64(32, BigInt(totalFee), true);
  dv.setBigUint64(40, BigInt(totalSize), true);
  dv.setBigUint64(48, BigInt(n), true);
  dv.setBigUint64(p, 0n, true);
  return out;
}

/** Nodes (n × 32 bytes) of a full serialized subtree, as stored by `serializeFullSubtree`. */
export function nodesOfFullSubtree(full: Uint8Array): Uint8Array {
  const dv = new DataView(full.buffer, full.byteOffset, full.byteLength);
  const n = Number(dv.getBigUint64(48, true));
  const nodes = new Uint8Array(n * 32);
  for (let i = 0; i < n; i++) nodes.set(full.subarray(56 + i * 48, 56 + i * 48 + 32), i * 32);
  return nodes;
}
