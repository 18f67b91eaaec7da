import { toDisplayHex, toHex } from "@subtreekit/subtree-stream";
import type { Hono } from "hono";
import type { AppEnv, ServerContext } from "../context.ts";
import { AssetHttpError } from "../errors.ts";
import { parseHash } from "../params.ts";
import { txJson } from "../tx-json.ts";

/** `/tx/:hash` (+`/hex`, `/json`): Extended Format when stored, else standard (spec §1.2). */
export function txRoutes(app: Hono<AppEnv>, ctx: ServerContext): void {
  const load = async (raw: string | undefined) => {
    const hash = parseHash(raw);
    const tx = await ctx.txs.getTx(hash);
    if (!tx) {
      ctx.metrics.http("get_transaction", 404, "Not Found");
      throw new AssetHttpError("NOT_FOUND", `transaction ${toDisplayHex(hash)} not found`);
    }
    ctx.metrics.http("get_transaction", 200, "200");
    return { hash, tx, bytes: tx.extended ?? tx.standard };
  };
  app.get("/tx/:hash", async (c) => {
    const { bytes } = await load(c.req.param("hash"));
    return new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { "content-type": "application/octet-stream" } });
  });
  app.get("/tx/:hash/hex", async (c) => {
    const { bytes } = await load(c.req.param("hash"));
    return c.text(toHex(bytes));
  });
  app.get("/tx/:hash/json", async (c) => {
    const { hash, bytes } = await load(c.req.param("hash"));
    return c.json(txJson(hash, bytes));
  });
}
