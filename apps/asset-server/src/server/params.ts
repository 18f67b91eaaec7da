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
