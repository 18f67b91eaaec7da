import { isCoinbasePlaceholder, parseTxExact, toDisplayHex } from "@subtreekit/subtree-stream";
import { readSubtreeFileHead, readSubtreeFileNodes } from "@subtreekit/subtree-stream/bun";
import type { Hono } from "hono";
import type { AppEnv, ServerContext } from "../context.ts";
import { parseHash, parsePage } from "../params.ts";
import { countRoute } from "./count-route.ts";
import { locateSubtree } from "./subtree.ts";

/**
 * `GET /subtree/:hash/txs/json?offset&limit`: one page (limit ≤ 100) of the subtree's txs as
 * `{index, txid, inputsCount, outputsCount, size, fee}` rows, one tx-store batch per page. The
 * coinbase placeholder has zero counts; the fee is always the subtree's (a standard tx does not carry it); a tx we do not store gets a row with only what the
 * subtree knows (index, txid, size, fee), as the reference does when its tx meta is missing.
 */
export function subtreeTxsJsonRoute(app: Hono<AppEnv>, ctx: ServerContext): void {
  app.get("/subtree/:hash/txs/json", (c) =>
    countRoute(ctx, "get_subtree_txs", c.var.log, async () => {
      const hash = parseHash(c.req.param("hash"));
      const { offset, limit } = parsePage(c.req.query());
      const path = await locateSubtree(ctx, hash);
      const head = await readSubtreeFileHead(path);
      const signal = c.req.raw.signal;
      const nodes = await readSubtreeFileNodes(
        path,
        Math.min(offset, head.count),
        Math.min(offset + limit, head.count),
        {
          signal,
        },
      );
      const txs = await ctx.txs.getTxs(
        nodes.map((n) => n.hash),
        signal,
      );
      const data = nodes.map((node, i) => {
        const index = offset + i;
        const txid = toDisplayHex(node.hash);
        const fee = Number(node.fee);
        const size = Number(node.size);
        if (isCoinbasePlaceholder(node.hash)) return { index, txid, inputsCount: 0, outputsCount: 0, size, fee };
        const bytes = txs[i];
        if (!bytes) return { index, txid, size, fee };
        const tx = parseTxExact(bytes);
        return { index, txid, inputsCount: tx.inputCount, outputsCount: tx.outputCount, size: tx.standardSize, fee };
      });
      return c.json({ data, pagination: { offset, limit, totalRecords: head.count } });
    }),
  );
}
