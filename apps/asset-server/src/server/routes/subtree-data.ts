import type { Hono } from "hono";
import type { AppEnv, ServerContext } from "../context.ts";
import { parseHash } from "../params.ts";
import { handleSubtreeData } from "../subtree-data/handle.ts";

/** `GET /subtree_data/:hash`: see `handleSubtreeData` for the admission order. */
export function subtreeDataRoutes(app: Hono<AppEnv>, ctx: ServerContext): void {
  app.get("/subtree_data/:hash", (c) =>
    handleSubtreeData(ctx, parseHash(c.req.param("hash")), c.var.log, c.req.raw.signal),
  );
}
