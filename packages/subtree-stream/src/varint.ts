import { MalformedDataError } from "./errors/malformed-data-error.ts";

/** Largest value a varint may carry here: values must be safe integers to stay exact as numbers. */
const MAX_VARINT = Number.MAX_SAFE_INTEGER;

/**
 * Reads a Bitcoin CompactSize varint at `offset`.
 *
 * Non-canonical encodings (e.g. `fd 01 00` for 1) are **accepted**, as go-bt (the reference's
 * parser) accepts them; `size` reports the bytes actually used so callers that keep raw bytes
 * round-trip exactly. Values above 2^53 − 1 throw `MalformedDataError` (`VARINT_TOO_LARGE`); a
 * varint cut by the end of `bytes` throws `VARINT_TRUNCATED`.
 *
 * @example
 * readVarint(Uint8Array.of(0xfd, 0x00, 0x04), 0) // { value: 1024, size: 3 }
 */
export function readVarint(bytes: Uint8Array, offset: number): { value: number; size: number } {
  const first = bytes[offset];
  if (first === undefined) throw new MalformedDataError("VARINT_TRUNCATED", "varint missing", offset);
  if (first < 0xfd) return { value: first, size: 1 };
  const size = first === 0xfd ? 3 : first === 0xfe ? 5 : 9;
  if (offset + size > bytes.length) throw new MalformedDataError("VARINT_TRUNCATED", "varint cut short", offset);
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset + 1, size - 1);
  if (size === 3) return { value: view.getUint16(0, true), size };
  if (size === 5) return { value: view.getUint32(0, true), size };
  const value = view.getUint32(4, true) * 0x1_0000_0000 + view.getUint32(0, true);
  if (value > MAX_VARINT) throw new MalformedDataError("VARINT_TOO_LARGE", "varint above 2^53-1", offset);
  return { value, size };
}

/**
 * Bytes the canonical encoding of `value` takes (1, 3, 5 or 9).
 *
 * @example
 * varintSize(1024) // 3
 */
export function varintSize(value: number): number {
  checkValue(value);
  return value < 0xfd ? 1 : value <= 0xffff ? 3 : value <= 0xffff_ffff ? 5 : 9;
}

/**
 * Writes the canonical encoding of `value` into `out` at `offset` (returns the bytes written), or,
 * without `out`, returns a new array holding it.
 *
 * @example
 * writeVarint(253) // Uint8Array [0xfd, 0xfd, 0x00]
 */
export function writeVarint(value: number): Uint8Array;
export function writeVarint(value: number, out: Uint8Array, offset: number): number;
export function writeVarint(value: number, out?: Uint8Array, offset = 0): Uint8Array | number {
  const size = varintSize(value);
  const target = out ?? new Uint8Array(size);
  const at = out ? offset : 0;
  if (at + size > target.length) throw new RangeError(`writeVarint: ${size} bytes do not fit at ${at}`);
  const view = new DataView(target.buffer, target.byteOffset + at, size);
  if (size === 1) view.setUint8(0, value);
  else if (size === 3) {
    view.setUint8(0, 0xfd);
    view.setUint16(1, value, true);
  } else if (size === 5) {
    view.setUint8(0, 0xfe);
    view.setUint32(1, value, true);
  } else {
    view.setUint8(0, 0xff);
    view.setUint32(1, value % 0x1_0000_0000, true);
    view.setUint32(5, Math.floor(value / 0x1_0000_0000), true);
  }
  return out ? size : target;
}

function checkValue(value: number): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`varint value must be a safe integer >= 0: ${value}`);
}
