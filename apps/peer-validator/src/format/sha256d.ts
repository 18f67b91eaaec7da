// Bun's native SHA-256 writing into reused buffers: ~3M double hashes/s of 250 B, so verifying a
// stream is never slower than the socket (ENGINEERING.md, "Hashing").
const inner = new Uint8Array(32);

/** sha256d(data) written into `out` (32 bytes, internal order); returns `out`. */
export function sha256dInto(data: Uint8Array, out: Uint8Array): Uint8Array {
  Bun.SHA256.hash(data, inner);
  Bun.SHA256.hash(inner, out);
  return out;
}

/** True when `a[ai..ai+32)` equals `b[bi..bi+32)`. */
export function hashAtEquals(a: Uint8Array, ai: number, b: Uint8Array, bi: number): boolean {
  for (let k = 0; k < 32; k++) if (a[ai + k] !== b[bi + k]) return false;
  return true;
}

/** Display hex (byte-reversed) of the 32 bytes at `offset`. */
export function displayHexAt(bytes: Uint8Array, offset = 0): string {
  let s = "";
  for (let k = 31; k >= 0; k--) s += (bytes[offset + k] ?? 0).toString(16).padStart(2, "0");
  return s;
}
