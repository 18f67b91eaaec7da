import { toDisplayHex } from "@subtreekit/subtree-stream";
import type { Hono } from "hono";
import type { AppEnv, ServerContext } from "../context.ts";
import { AssetHttpError } from "../errors.ts";
import { parseHash } from "../params.ts";
import { servedSubtreeTypes } from "../subtree-data/stored-subtree.ts";

/** Reads at most `max` body bytes; more → 413 without buffering the rest. */
async function readCapped(req: Request, max: number): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? Number.NaN);
  if (declared > max) throw tooLarge(max);
  if (!req.body) return new Uint8Array(0);
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const part of req.body as unknown as AsyncIterable<Uint8Array>) {
    total += part.length;
    if (total > max) throw tooLarge(max);
    parts.push(part);
  }
  return Buffer.concat(parts);
}

const tooLarge = (max: number) =>
  new AssetHttpError("PAYLOAD_TOO_LARGE", `at most ${max / 32} txids per request (asset_max_batch_txs)`);

/**
 * `POST /subtree/:hash/txs`: body = n×32-byte txids (internal order); answers their txs
 * (standard bytes) concatenated, in request order. Body checks (empty, not n×32, above
 * `asset_max_batch_txs`) come before any store access. Any unknown txid → 404 for the whole
 * request, as the reference: a partial answer would look like success to a careless peer.
 */
export function subtreeTxsRoutes(app: Hono<AppEnv>, ctx: ServerContext): void {
  app.post("/subtree/:hash/txs", async (c) => {
    const hash = parseHash(c.req.param("hash"));
    const body = await readCapped(c.req.raw, ctx.settings.asset_max_batch_txs * 32);
    if (body.length === 0 || body.length % 32 !== 0) {
      throw new AssetHttpError("BAD_REQUEST", `body must be a non-empty multiple of 32 bytes, got ${body.length}`);
    }
    let exists = false;
    for (const type of servedSubtreeTypes(ctx.settings)) if (!exists) exists = await ctx.blobs.exists(hash, type);
    if (!exists) throw new AssetHttpError("NOT_FOUND", `subtree ${toDisplayHex(hash)} not found`);
    const ids: Uint8Array[] = [];
    for (let at = 0; at < body.length; at += 32) ids.push(body.subarray(at, at + 32));
    const txs = await ctx.txs.getTxs(ids, c.req.raw.signal);
    const missing = txs.indexOf(undefined);
    if (missing >= 0) {
      const n = txs.filter((t) => t === undefined).length;
      throw new AssetHttpError(
        "NOT_FOUND",
        `transaction not found: ${n} of ${ids.length}, first ${toDisplayHex(ids[missing]!)}`,
      );
    }
    ctx.metrics.http("get_transactions", 200, "200");
    return new Response(Buffer.concat(txs as Uint8Array[]), {
      headers: { "content-type": "application/octet-stream" },
    });
  });
}
