import { MalformedDataError } from "../errors/malformed-data-error.ts";

/** u64 LE at `p` as a safe integer; larger values are `SUBTREE_VALUE_RANGE` (at `base + p` of `path`). */
export function readU64(view: DataView, p: number, base = 0, path?: string): number {
  const hi = view.getUint32(p + 4, true);
  if (hi > 0x1f_ffff) throw new MalformedDataError("SUBTREE_VALUE_RANGE", "u64 above 2^53-1", base + p, { path });
  return hi * 0x1_0000_0000 + view.getUint32(p, true);
}

/** Writes a safe integer as u64 LE at `p`. */
export function writeU64(view: DataView, p: number, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`u64 field must be a safe integer >= 0: ${value}`);
  view.setUint32(p, value % 0x1_0000_0000, true);
  view.setUint32(p + 4, Math.floor(value / 0x1_0000_0000), true);
}
