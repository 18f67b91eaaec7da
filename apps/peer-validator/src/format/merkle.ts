const pair = new Uint8Array(64);
const inner = new Uint8Array(32);

function isZero(b: Uint8Array, at: number): boolean {
  for (let k = 0; k < 32; k++) if (b[at + k] !== 0) return false;
  return true;
}

// H(x‖y) of the two hashes at `left`/`right` in `src`, into dst at `at`.
function hashPair(src: Uint8Array, left: number, right: number, dst: Uint8Array, at: number): void {
  pair.set(src.subarray(left, left + 32), 0);
  pair.set(src.subarray(right, right + 32), 32);
  Bun.SHA256.hash(pair, inner);
  Bun.SHA256.hash(inner, dst.subarray(at, at + 32) as Uint8Array);
}

/**
 * go-subtree merkle root of `leaves` (n × 32 bytes, internal order): pad with zero hashes to a
 * power of two; (x, y) → H(x‖y); (x, zero) → H(x‖x); (zero, zero) → zero; one leaf → itself.
 * This is Bitcoin's duplicate-the-odd-one rule (vectors/MANIFEST.md, "Conventions").
 */
export function merkleRoot(leaves: Uint8Array): Uint8Array {
  let n = leaves.length / 32;
  if (n === 0) return new Uint8Array(32);
  if (n === 1) return leaves.slice(0, 32);
  // zero-padding only ever makes (x, 0) or (0, 0) pairs, so working on the unpadded level and
  // duplicating an odd last element gives the same result without allocating the padding
  let level = leaves;
  let width = 1;
  while (width < n) width *= 2;
  while (width > 1) {
    const next = new Uint8Array(Math.ceil(n / 2) * 32);
    for (let i = 0; i < n; i += 2) {
      const l = i * 32;
      if (i + 1 < n && !isZero(level, (i + 1) * 32)) hashPair(level, l, l + 32, next, (i / 2) * 32);
      else if (isZero(level, l)) next.fill(0, (i / 2) * 32, (i / 2) * 32 + 32);
      else hashPair(level, l, l, next, (i / 2) * 32);
    }
    level = next;
    n = Math.ceil(n / 2);
    width /= 2;
  }
  return level.slice(0, 32);
}

/** Height of a subtree of `leaves` leaves: ⌈log2 n⌉ (its capacity is 2^height). */
export function subtreeHeight(leaves: number): number {
  let h = 0;
  while (2 ** h < leaves) h++;
  return h;
}

/** `root` hashed with itself `levels` times: go-subtree `RootHashPadded` for a short last subtree. */
export function liftRoot(root: Uint8Array, levels: number): Uint8Array {
  let r = root.slice();
  const two = new Uint8Array(64);
  for (let k = 0; k < levels; k++) {
    two.set(r, 0);
    two.set(r, 32);
    Bun.SHA256.hash(two, inner);
    r = new Uint8Array(Bun.SHA256.hash(inner) as Uint8Array);
  }
  return r;
}
