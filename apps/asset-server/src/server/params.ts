import { fromDisplayHex } from "@subtreekit/subtree-stream";
import { z } from "zod";
import { AssetHttpError } from "./errors.ts";

const HASH_RE = /^[0-9a-fA-F]{64}$/;

/**
 * Parses a display-order hash parameter, or throws 400 before any store is touched
 * (a bad hash must never cost a file-system or database lookup). A plain regex rather than a
 * zod schema: this runs on every request of a 503 storm, where zod's per-parse objects showed
 * up in the profile.
 */
export function parseHash(raw: string | undefined, what = "hash"): Uint8Array {
  if (raw === undefined || !HASH_RE.test(raw)) {
    throw new AssetHttpError("BAD_REQUEST", `invalid ${what}: must be exactly 64 hex characters`);
  }
  return fromDisplayHex(raw);
}

const pageSchema = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** `offset` / `limit` query of the paginated JSON routes (limit ≤ 100, as the reference). */
export function parsePage(query: Record<string, string | undefined>): { offset: number; limit: number } {
  const r = pageSchema.safeParse({ offset: query.offset || undefined, limit: query.limit || undefined });
  if (!r.success) {
    const msg = r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new AssetHttpError("BAD_REQUEST", `invalid pagination: ${msg}`);
  }
  return r.data;
}

const COUNT_RE = /^[0-9]{1,9}$/;

/**
 * A count query such as `n`: absent or empty → `fallback`; above `max` → `max` (the reference
 * clamps rather than refuses); anything but a whole number ≥ 1 → 400 naming the value.
 */
export function parseCount(raw: string | undefined, name: string, fallback: number, max: number): number {
  if (raw === undefined || raw === "") return fallback;
  const n = COUNT_RE.test(raw) ? Number(raw) : Number.NaN;
  if (!(n >= 1)) {
    throw new AssetHttpError("BAD_REQUEST", `invalid ${name}: ${JSON.stringify(raw)} is not a whole number from 1`);
  }
  return Math.min(n, max);
}

/**
 * `block_locator_hashes`: k display-order hashes of 64 hex characters each, concatenated (k may
 * be 0). Anything else → 400 naming the offset of the first bad character or the odd length.
 */
export function parseLocator(raw: string | undefined): Uint8Array[] {
  if (raw === undefined || raw === "") return [];
  if (raw.length % 64 !== 0) {
    throw new AssetHttpError(
      "BAD_REQUEST",
      `invalid block_locator_hashes: length ${raw.length} is not a multiple of 64 hex characters`,
    );
  }
  const bad = raw.search(/[^0-9a-fA-F]/);
  if (bad >= 0) {
    throw new AssetHttpError(
      "BAD_REQUEST",
      `invalid block_locator_hashes: ${JSON.stringify(raw[bad])} at character ${bad} is not hex`,
    );
  }
  const out: Uint8Array[] = [];
  for (let at = 0; at < raw.length; at += 64) out.push(fromDisplayHex(raw.slice(at, at + 64)));
  return out;
}
