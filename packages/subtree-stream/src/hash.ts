import { createHash } from "node:crypto";

/** Length in bytes of every hash in this package (txids, subtree roots, block hashes). */
export const HASH_BYTES = 32;

/** Coinbase placeholder: 32 × 0xFF, legal only as node 0 of a block's first subtree. */
export const COINBASE_PLACEHOLDER: Uint8Array = new Uint8Array(HASH_BYTES).fill(0xff);

/** The all-zero hash used to pad merkle trees. */
export const ZERO_HASH: Uint8Array = new Uint8Array(HASH_BYTES);

const hasBunHasher = typeof globalThis.Bun !== "undefined" && typeof Bun.SHA256?.hash === "function";

/** SHA-256 of `data` (native: Bun.SHA256 under Bun, node:crypto elsewhere). */
export function sha256(data: Uint8Array): Uint8Array {
  if (hasBunHasher) return Bun.SHA256.hash(data) as Uint8Array;
  return new Uint8Array(createHash("sha256").update(data).digest());
}

/** Double SHA-256: txids, merkle nodes and block hashes, in internal byte order. */
export function sha256d(data: Uint8Array): Uint8Array {
  return sha256(sha256(data));
}

/** Throws a TypeError unless `hash` is a 32-byte Uint8Array. */
export function assertHash(hash: unknown, what = "hash"): asserts hash is Uint8Array {
  if (!(hash instanceof Uint8Array) || hash.length !== HASH_BYTES) {
    const got = hash instanceof Uint8Array ? `${hash.length} bytes` : typeof hash;
    throw new TypeError(`${what} must be a 32-byte Uint8Array, got ${got}`);
  }
}

/** True when two byte arrays hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** True when `hash` is the coinbase placeholder (32 × 0xFF). */
export function isCoinbasePlaceholder(hash: Uint8Array): boolean {
  return bytesEqual(hash, COINBASE_PLACEHOLDER);
}

/** Lower-case hex of `bytes` in the order given. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;

/** Bytes of an even-length hex string; a TypeError names the bad input otherwise. */
export function fromHex(hex: string): Uint8Array {
  if (!HEX_RE.test(hex)) {
    throw new TypeError(`not hex: ${JSON.stringify(hex.length > 80 ? `${hex.slice(0, 80)}…` : hex)}`);
  }
  return new Uint8Array(Buffer.from(hex, "hex"));
}

/** Display form (byte-reversed hex, as in URLs and file names) of an internal-order hash. */
export function toDisplayHex(hash: Uint8Array): string {
  assertHash(hash);
  return toHex(hash.slice().reverse());
}

const DISPLAY_RE = /^[0-9a-fA-F]{64}$/;

/** Internal-order hash from its display form (64 hex chars); TypeError otherwise. */
export function fromDisplayHex(hex: string): Uint8Array {
  if (typeof hex !== "string" || !DISPLAY_RE.test(hex)) {
    throw new TypeError(`a hash is 64 hex characters, got ${JSON.stringify(String(hex).slice(0, 80))}`);
  }
  return fromHex(hex).reverse();
}

const innerDigest = new Uint8Array(HASH_BYTES);

/**
 * Double SHA-256 of `data` written into `out` (32 bytes) without allocating under Bun: the hot
 * path of stream verification and merkle trees (ENGINEERING.md: ~3M double-hashes/s of 250 B).
 * Off Bun it falls back to node:crypto. `out` may alias nothing in `data`.
 *
 * @example
 * const out = new Uint8Array(32);
 * sha256dInto(txBytes, out);
 */
export function sha256dInto(data: Uint8Array, out: Uint8Array): Uint8Array {
  if (hasBunHasher) {
    Bun.SHA256.hash(data, innerDigest);
    Bun.SHA256.hash(innerDigest, out);
    return out;
  }
  const first = createHash("sha256").update(data).digest();
  out.set(createHash("sha256").update(first).digest());
  return out;
}
