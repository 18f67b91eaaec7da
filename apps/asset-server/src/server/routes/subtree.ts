import { toDisplayHex, toHex } from "@subtreekit/subtree-stream";
import {
  readSubtreeFileConflicting,
  readSubtreeFileHead,
  readSubtreeFileNodeHashes,
  readSubtreeFileNodes,
} from "@subtreekit/subtree-stream/bun";
import type { Hono } from "hono";
import type { AppEnv, ServerContext } from "../context.ts";
import { AssetHttpError } from "../errors.ts";
import { parseHash, parsePage } from "../params.ts";
import { peekedResponse } from "../stream-response.ts";
import { servedSubtreeTypes } from "../subtree-data/stored-subtree.ts";

/**
 * Where a subtree is stored: `subtree`, else `subtreeToCheck` (spec §1.2) when
 * `asset_serve_unvalidated_subtrees` allows it, else 404.
 */
export async function locateSubtree(ctx: ServerContext, hash: Uint8Array): Promise<string> {
  for (const type of servedSubtreeTypes(ctx.settings)) {
    if (await ctx.blobs.exists(hash, type)) return ctx.blobs.path(hash, type);
  }
  throw new AssetHttpError("NOT_FOUND", `subtree ${toDisplayHex(hash)} not found`);
}

/**
 * `/subtree/:hash` (nodes-only: n×32 bytes, internal order), `/hex` (the same bytes as hex, NOT
 * display order — spec §9 note 6) and `/json?offset&limit` (one page, ≤ 100 nodes). Binary and
 * hex are streamed from range reads, so a 1M-node subtree never sits in memory; an empty subtree
 * is a 404, never a 200 with an empty body.
 */
export function subtreeRoutes(app: Hono<AppEnv>, ctx: ServerContext): void {
  const stream = async (hash: Uint8Array, log: AppEnv["Variables"]["log"], hex: boolean, signal: AbortSignal) => {
    const path = await locateSubtree(ctx, hash);
    const { count } = await readSubtreeFileHead(path);
    const it = readSubtreeFileNodeHashes(path, count, { batch: 4096 })[Symbol.asyncIterator]();
    const next = async () => {
      const r = await it.next();
      if (r.done) return null;
      const out = new Uint8Array(r.value.length * 32);
      for (let i = 0; i < r.value.length; i++) out.set(r.value[i]!, i * 32);
      return hex ? new TextEncoder().encode(toHex(out)) : out;
    };
    log.defer();
    ctx.metrics.http("get_subtree", 200, "200");
    return peekedResponse({
      next,
      headers: { "content-type": hex ? "text/plain; charset=UTF-8" : "application/octet-stream" },
      empty: () => new AssetHttpError("NOT_FOUND", `subtree ${toDisplayHex(hash)} has no nodes`),
      cancel: () => void it.return?.(undefined),
      onEnd: (end) => log.end(200, end.bytes, end.outcome, end.error),
      active: ctx.active,
      signal,
    });
  };
  app.get("/subtree/:hash", (c) => stream(parseHash(c.req.param("hash")), c.var.log, false, c.req.raw.signal));
  app.get("/subtree/:hash/hex", (c) => stream(parseHash(c.req.param("hash")), c.var.log, true, c.req.raw.signal));
  app.get("/subtree/:hash/json", async (c) => {
    const hash = parseHash(c.req.param("hash"));
    const { offset, limit } = parsePage(c.req.query());
    const path = await locateSubtree(ctx, hash);
    const head = await readSubtreeFileHead(path);
    const nodes = await readSubtreeFileNodes(path, Math.min(offset, head.count), Math.min(offset + limit, head.count));
    const whole = offset === 0 && nodes.length === head.count;
    ctx.metrics.http("get_subtree", 200, "200");
    return c.json({
      data: {
        Height: head.count <= 1 ? 0 : Math.ceil(Math.log2(head.count)),
        Fees: Number(head.fees),
        SizeInBytes: Number(head.sizeInBytes),
        FeeHash: toDisplayHex(head.storedRoot),
        Nodes: nodes.map((n) => ({ txid: toDisplayHex(n.hash), fee: Number(n.fee), size: Number(n.size) })),
        ...(whole ? { ConflictingNodes: (await readSubtreeFileConflicting(path, head.count)).map(toDisplayHex) } : {}),
      },
      pagination: { offset, limit, totalRecords: head.count },
    });
  });
}
