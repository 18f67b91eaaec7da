import { fromDisplayHex } from "@subtreekit/subtree-stream";
import { z } from "zod";
import { AssetHttpError } from "./errors.ts";

const hashSchema = z.string().regex(/^[0-9a-fA-F]{64}$/, "must be exactly 64 hex characters");

/**
 * Parses a display-order hash parameter, or throws 400 before any store is touched
 * (a bad hash must never cost a file-system or database lookup).
 */
export function parseHash(raw: string | undefined, what = "hash"): Uint8Array {
  const r = hashSchema.safeParse(raw);
  if (!r.success) throw new AssetHttpError("BAD_REQUEST", `invalid ${what}: ${r.error.issues[0]?.message}`);
  return fromDisplayHex(r.data);
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
