import { parseBlockHeader, toDisplayHex, toHex } from "@subtreekit/subtree-stream";
import type { Hono } from "hono";
import type { IndexedBlock } from "../block-index.ts";
import type { AppEnv, ServerContext } from "../context.ts";
import { AssetHttpError } from "../errors.ts";
import { parseCount, parseHash, parseLocator } from "../params.ts";
import { countRoute } from "./count-route.ts";

/** `/blocks` default and largest `n` (the reference's). */
export const BLOCKS_DEFAULT_N = 100;
export const BLOCKS_MAX_N = 1000;
/** `/headers_from_common_ancestor` default and largest `n` (the reference's). */
export const HEADERS_MAX_N = 10_000;

const binary = (body: Uint8Array) =>
  new Response(body as Uint8Array<ArrayBuffer>, { headers: { "content-type": "application/octet-stream" } });

/**
 * The two routes a Teranode peer catches up with (teranode-peer.md §4.4):
 *
 * - `GET /blocks/:hash?n=N`: up to N stored model blocks, each exactly its `/block/:hash` bytes,
 *   concatenated newest first from `:hash` back through parents; stops early at the first parent
 *   not stored.
 * - `GET /headers_from_common_ancestor/:hash?block_locator_hashes=…&n=N`: 80-byte headers, oldest
 *   first, from the newest locator hash on `:hash`'s chain (inclusive) up to `:hash`, at most N
 *   (the first N: the peer asks again from the last one). With no locator hash on the chain they
 *   start at the oldest stored block of that chain.
 */
export function catchupRoutes(app: Hono<AppEnv>, ctx: ServerContext): void {
  app.get("/blocks/:hash", (c) =>
    countRoute(ctx, "get_blocks", c.var.log, async () => {
      const hash = parseHash(c.req.param("hash"));
      const n = parseCount(c.req.query("n"), "n", BLOCKS_DEFAULT_N, BLOCKS_MAX_N);
      const parts: Uint8Array[] = [];
      let next: Uint8Array | undefined = hash;
      while (next && parts.length < n) {
        c.req.raw.signal.throwIfAborted();
        const bytes: Uint8Array | undefined = (await ctx.blobs.exists(next, "block"))
          ? await ctx.blobs.get(next, "block")
          : undefined;
        if (!bytes) break;
        parts.push(bytes);
        next = parseBlockHeader(bytes).prevHash;
      }
      if (parts.length === 0) throw new AssetHttpError("NOT_FOUND", `block ${toDisplayHex(hash)} not found`);
      return binary(Buffer.concat(parts));
    }),
  );

  app.get("/headers_from_common_ancestor/:hash", (c) =>
    countRoute(ctx, "get_block_headers_from_common_ancestor", c.var.log, async () => {
      const hash = parseHash(c.req.param("hash"));
      const locator = new Set(parseLocator(c.req.query("block_locator_hashes")).map(toHex));
      const n = parseCount(c.req.query("n"), "n", HEADERS_MAX_N, HEADERS_MAX_N);
      const blocks = ctx.height.blocks;
      const tip = await blocks.get(hash);
      if (!tip) throw new AssetHttpError("NOT_FOUND", `block ${toDisplayHex(hash)} not found`);
      // Walk back to the newest locator hash (or the oldest stored ancestor), then answer the
      // oldest n of that path: the reference's order, so a peer continues from the last one.
      const path: IndexedBlock[] = [];
      for (let at: IndexedBlock | undefined = tip; at; at = await blocks.parentOf(at)) {
        c.req.raw.signal.throwIfAborted();
        path.push(at);
        if (locator.has(toHex(at.hash))) break;
      }
      const count = Math.min(n, path.length);
      const out = new Uint8Array(count * 80);
      for (let i = 0; i < count; i++) out.set(path[path.length - 1 - i]!.header, i * 80);
      return binary(out);
    }),
  );
}
