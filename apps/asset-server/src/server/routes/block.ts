import { type BlockHeader, type ModelBlock, parseModelBlock, toDisplayHex, toHex } from "@subtreekit/subtree-stream";
import { readSubtreeFileHead } from "@subtreekit/subtree-stream/bun";
import type { Hono } from "hono";
import type { IndexedBlock } from "../block-index.ts";
import type { AppEnv, ServerContext } from "../context.ts";
import { AssetHttpError } from "../errors.ts";
import { parseHash, parsePage } from "../params.ts";
import { servedSubtreeTypes } from "../subtree-data/stored-subtree.ts";
import { countRoute } from "./count-route.ts";

/**
 * Model block bytes (magic stripped), or 404. Counts nothing: each route that loads a block
 * counts itself once, under its own name (a legacy request is `get_block_legacy`, not `get_block`).
 */
export async function loadBlock(
  ctx: ServerContext,
  hash: Uint8Array,
): Promise<{ bytes: Uint8Array; block: ModelBlock }> {
  if (!(await ctx.blobs.exists(hash, "block"))) {
    throw new AssetHttpError("NOT_FOUND", `block ${toDisplayHex(hash)} not found`);
  }
  const bytes = await ctx.blobs.get(hash, "block");
  if (!bytes) throw new AssetHttpError("NOT_FOUND", `block ${toDisplayHex(hash)} not found`);
  return { bytes, block: parseModelBlock(bytes) };
}

/** How often a `/block/:hash/json` with no known child may rescan the store for one. */
const NEXT_RESCAN_MS = 1000;

/**
 * The stored child of `hash`: from the block index, or after a rescan (at most once a second) when
 * the index has none yet, so a block imported since the last scan is found without a scan per request.
 */
async function nextBlock(ctx: ServerContext, hash: Uint8Array): Promise<IndexedBlock | undefined> {
  const entry = await ctx.height.blocks.get(hash);
  if (!entry) return undefined;
  const known = ctx.height.blocks.childOf(entry);
  if (known) return known;
  await ctx.height.rescan(NEXT_RESCAN_MS);
  return ctx.height.blocks.childOf(entry);
}

function headerJson(h: BlockHeader) {
  return {
    version: h.version,
    hash_prev_block: toDisplayHex(h.prevHash),
    hash_merkle_root: toDisplayHex(h.merkleRoot),
    timestamp: h.timestamp,
    bits: h.bits.toString(16).padStart(8, "0"),
    nonce: h.nonce,
  };
}

/** `/block/:hash` (model bytes), `/hex`, `/json`, `/subtrees/json?offset&limit`. */
export function blockRoutes(app: Hono<AppEnv>, ctx: ServerContext): void {
  app.get("/block/:hash", (c) =>
    countRoute(ctx, "get_block", c.var.log, async () => {
      const { bytes } = await loadBlock(ctx, parseHash(c.req.param("hash")));
      return new Response(bytes as Uint8Array<ArrayBuffer>, {
        headers: { "content-type": "application/octet-stream" },
      });
    }),
  );
  app.get("/block/:hash/hex", (c) =>
    countRoute(ctx, "get_block", c.var.log, async () => {
      const { bytes } = await loadBlock(ctx, parseHash(c.req.param("hash")));
      return c.text(toHex(bytes));
    }),
  );
  app.get("/block/:hash/json", (c) =>
    countRoute(ctx, "get_block", c.var.log, async () => {
      const hash = parseHash(c.req.param("hash"));
      const { block } = await loadBlock(ctx, hash);
      const next = await nextBlock(ctx, hash);
      return c.json({
        header: headerJson(block.header),
        hash: toDisplayHex(hash),
        coinbase_tx: toHex(block.coinbaseTx),
        transaction_count: block.txCount,
        size_in_bytes: block.sizeInBytes,
        subtrees: block.subtrees.map(toDisplayHex),
        height: block.height,
        // No block database here: the height is the id (unique along one chain, as the reference's ids are).
        id: block.height,
        nextblock: next ? next.hex : null,
      });
    }),
  );
  app.get("/block/:hash/subtrees/json", (c) =>
    countRoute(ctx, "get_block", c.var.log, async () => {
      const hash = parseHash(c.req.param("hash"));
      const { offset, limit } = parsePage(c.req.query());
      const { block } = await loadBlock(ctx, hash);
      const rows = [];
      for (let i = offset; i < Math.min(block.subtrees.length, offset + limit); i++) {
        const st = block.subtrees[i]!;
        const row: Record<string, unknown> = { index: i, hash: toDisplayHex(st) };
        for (const type of servedSubtreeTypes(ctx.settings)) {
          if (!(await ctx.blobs.exists(st, type))) continue;
          const head = await readSubtreeFileHead(ctx.blobs.path(st, type)).catch(() => undefined);
          if (head) Object.assign(row, { txCount: head.count, fee: Number(head.fees), size: Number(head.sizeInBytes) });
          break;
        }
        rows.push(row);
      }
      return c.json({ data: rows, pagination: { offset, limit, totalRecords: block.subtrees.length } });
    }),
  );
}
