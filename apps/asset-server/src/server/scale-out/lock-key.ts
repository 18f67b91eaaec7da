/**
 * The 64-bit key of a subtree's build lock (`pg_try_advisory_lock(bigint)`), and its two halves as
 * `pg_locks` shows them (`classid` = high 32 bits, `objid` = low 32 bits, `objsubid` = 1).
 *
 * Advisory locks are per database, not per schema. Tenants sharing one database under different
 * schemas must not wait on each other's builds of the same subtree, so the key is the subtree
 * hash's first 8 bytes (internal order, read big-endian, signed) XOR a namespace drawn from the
 * schema name: a different schema gives a different key for the same subtree.
 */
export function lockKey(hash: Uint8Array, namespace: bigint): bigint {
  if (hash.length !== 32) throw new TypeError(`a subtree hash is 32 bytes, got ${hash.length}`);
  const head = new DataView(hash.buffer, hash.byteOffset, 8).getBigUint64(0, false);
  return BigInt.asIntN(64, head ^ BigInt.asUintN(64, namespace));
}

/** The namespace of a tx-store schema: the first 8 bytes of sha256("subtreekit build lock:" + schema). */
export function lockNamespace(schema: string): bigint {
  const digest = new Bun.CryptoHasher("sha256").update(`subtreekit build lock:${schema}`).digest();
  return new DataView(digest.buffer, digest.byteOffset, 8).getBigInt64(0, false);
}

/** `classid` and `objid` of the key in `pg_locks` (unsigned 32-bit each). */
export function lockKeyParts(key: bigint): { classid: number; objid: number } {
  const u = BigInt.asUintN(64, key);
  return { classid: Number(u >> 32n), objid: Number(u & 0xffff_ffffn) };
}
