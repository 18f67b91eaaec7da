import type { Hono } from "hono";
import type { AppEnv, ServerContext } from "../context.ts";
import { AssetHttpError } from "../errors.ts";
import { legacyBlockResponse } from "../legacy/legacy-response.ts";
import { parseHash } from "../params.ts";
import { loadBlock } from "./block.ts";
import { countRoute } from "./count-route.ts";

/**
 * `/block_legacy/:hash` (magic+size prefix; `?wire=<non-empty>` without it) and
 * `/rest/block/:hash.bin` (always with the prefix, outside the API prefix, as the reference).
 * Both count as `get_block_legacy` once: errors here, a 200 when its stream ends.
 */
export function blockLegacyRoutes(app: Hono<AppEnv>, ctx: ServerContext): void {
  app.get("/block_legacy/:hash", (c) =>
    countRoute(ctx, "get_block_legacy", c.var.log, async () => {
      const { block } = await loadBlock(ctx, parseHash(c.req.param("hash")));
      return legacyBlockResponse(ctx, block, !c.req.query("wire"), c.var.log, c.req.raw);
    }),
  );
}

export function restBlockRoute(app: Hono<AppEnv>, ctx: ServerContext): void {
  app.get("/rest/block/:file", (c) =>
    countRoute(ctx, "get_block_legacy", c.var.log, async () => {
      const file = c.req.param("file");
      if (!file.endsWith(".bin")) throw new AssetHttpError("BAD_REQUEST", "expected /rest/block/<hash>.bin");
      const { block } = await loadBlock(ctx, parseHash(file.slice(0, -4)));
      return legacyBlockResponse(ctx, block, true, c.var.log, c.req.raw);
    }),
  );
}
