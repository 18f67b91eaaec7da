import type { Prng } from "./prng.ts";

/** Minimal little-endian script number bytes of a height (BIP34's first push). */
export function scriptNum(n: number): Uint8Array {
  if (n === 0) return new Uint8Array(0);
  const out: number[] = [];
  let v = n;
  while (v > 0) {
    out.push(v & 0xff);
    v = Math.floor(v / 256);
  }
  // A set top bit would read as negative: add a sign byte.
  if ((out[out.length - 1] as number) & 0x80) out.push(0);
  return Uint8Array.from(out);
}

const TAG = new TextEncoder().encode("/subtreekit seed/");

/**
 * A standard coinbase tx for `height`: one input (null outpoint, index 0xFFFFFFFF) whose script
 * starts with the BIP34 height push, so anything reading the height from the coinbase agrees with
 * the block's height field; one P2PKH output of 50 BSV to a random key hash.
 */
export function makeCoinbase(height: number, prng: Prng): Uint8Array {
  const h = scriptNum(height);
  const script = new Uint8Array(1 + h.length + 1 + TAG.length);
  script[0] = h.length;
  script.set(h, 1);
  script[1 + h.length] = TAG.length;
  script.set(TAG, 2 + h.length);
  const out = new Uint8Array(4 + 1 + 36 + 1 + script.length + 4 + 1 + 8 + 1 + 25 + 4);
  const v = new DataView(out.buffer);
  let p = 0;
  v.setUint32(p, 1, true);
  p += 4;
  out[p++] = 1;
  p += 32; // null prev txid
  v.setUint32(p, 0xffff_ffff, true);
  p += 4;
  out[p++] = script.length;
  out.set(script, p);
  p += script.length;
  v.setUint32(p, 0xffff_ffff, true);
  p += 4;
  out[p++] = 1;
  v.setUint32(p, 5_000_000_000 % 0x1_0000_0000, true);
  v.setUint32(p + 4, Math.floor(5_000_000_000 / 0x1_0000_0000), true);
  p += 8;
  out.set([25, 0x76, 0xa9, 0x14], p);
  p += 4;
  prng.fill(out.subarray(p, p + 20));
  p += 20;
  out[p++] = 0x88;
  out[p++] = 0xac;
  return out; // locktime 0 already
}
