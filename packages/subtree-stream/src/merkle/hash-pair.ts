import { sha256dInto } from "../hash.ts";

// One 64-byte scratch for every pair hash: merkle trees allocate only their results.
const pair = new Uint8Array(64);

/** sha256d(left ‖ right) written into `out` (which may be `left` or `right`). */
export function hashPairInto(left: Uint8Array, right: Uint8Array, out: Uint8Array): Uint8Array {
  pair.set(left, 0);
  pair.set(right, 32);
  return sha256dInto(pair, out);
}

/** True when all 32 bytes are zero (the merkle padding hash). */
export function isZeroHash(h: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (h[i] !== 0) return false;
  return true;
}
