import type { Hono } from "hono";
import type { AppEnv, ServerContext } from "../context.ts";
import { AssetHttpError } from "../errors.ts";
import { legacyBlockResponse } from "../legacy/legacy-response.ts";
import { parseHash } from "../params.ts";
import { loadBlock } from "./block.ts";

/**
 * `/block_legacy/:hash` (magic+size prefix; `?wire=<non-empty>` without it) and
 * `/rest/block/:hash.bin` (always with the prefix, outside the API prefix, as the reference).
 */
export function blockLegacyRoutes(app: Hono<AppEnv>, ctx: ServerContext): void {
  app.get("/block_legacy/:hash", async (c) => {
    const hash = parseHash(c.req.param("hash"));
    const { block } = await loadBlock(ctx, hash);
    return legacyBlockResponse(ctx, block, !c.req.query("wire"), c.var.log, c.req.raw);
  });
}

export function restBlockRoute(app: Hono<AppEnv>, ctx: ServerContext): void {
  app.get("/rest/block/:file", async (c) => {
    const file = c.req.param("file");
    if (!file.endsWith(".bin")) throw new AssetHttpError("BAD_REQUEST", "expected /rest/block/<hash>.bin");
    const hash = parseHash(file.slice(0, -4));
    const { block } = await loadBlock(ctx, hash);
    return legacyBlockResponse(ctx, block, true, c.var.log, c.req.raw);
  });
}
