import { Hono } from "hono";
import { RegExpRouter } from "hono/router/reg-exp-router";
import type { AppEnv, ServerContext } from "./context.ts";
import { AssetHttpError, errorResponse } from "./errors.ts";
import { RequestLog } from "./request-log.ts";
import { blockRoutes } from "./routes/block.ts";
import { blockLegacyRoutes, restBlockRoute } from "./routes/block-legacy.ts";
import { catchupRoutes } from "./routes/catchup.ts";
import { healthRoutes } from "./routes/health.ts";
import { subtreeRoutes } from "./routes/subtree.ts";
import { subtreeDataRoutes } from "./routes/subtree-data.ts";
import { subtreeTxsRoutes } from "./routes/subtree-txs.ts";
import { subtreeTxsJsonRoute } from "./routes/subtree-txs-json.ts";
import { txRoutes } from "./routes/tx.ts";

/**
 * The hono app: a request-log middleware, every route under `asset_apiPrefix` (plus
 * `/rest/block/:hash.bin`, `/health` and `/metrics` at the root, as the reference), and one error
 * handler that renders every failure as JSON `{"message"}`.
 */
export function createApp(ctx: ServerContext): Hono<AppEnv> {
  // RegExpRouter directly: hono's default SmartRouter showed in a 503-storm profile
  // (docs/rejection-cost.md); our routes are all plain params, which RegExpRouter supports.
  const app = new Hono<AppEnv>({ router: new RegExpRouter() });
  app.use(async (c, next) => {
    const log = new RequestLog(ctx.logger, c.req.method, c.req.path);
    c.set("log", log);
    await next();
    // Streamed 200s write their own line when the body ends; everything else is over now.
    if (!(log.deferred && c.res.status === 200)) {
      const len = c.res.headers.get("content-length");
      // A capacity 503 keeps its "rejected" outcome (as on the fast path: create.ts).
      const failed = c.res.status >= 400 && log.outcome !== "rejected";
      log.end(c.res.status, len === null ? undefined : Number(len), failed ? "error" : log.outcome);
    }
  });
  app.onError((err, c) => {
    const e =
      err instanceof AssetHttpError ? err : new AssetHttpError("INTERNAL", err.message || String(err), { cause: err });
    if (e.status >= 500) ctx.logger.warn({ err: e.message, path: c.req.path }, "request failed");
    return errorResponse(e);
  });
  app.notFound(() => errorResponse(new AssetHttpError("NOT_FOUND", "no such route")));

  const api = new Hono<AppEnv>({ router: new RegExpRouter() });
  subtreeDataRoutes(api, ctx);
  subtreeTxsRoutes(api, ctx);
  subtreeTxsJsonRoute(api, ctx);
  subtreeRoutes(api, ctx);
  txRoutes(api, ctx);
  blockRoutes(api, ctx);
  blockLegacyRoutes(api, ctx);
  catchupRoutes(api, ctx);
  healthRoutes(api, ctx);
  const prefix = ctx.settings.asset_apiPrefix.replace(/\/+$/, "");
  app.route(prefix || "/", api);
  restBlockRoute(app, ctx);
  if (prefix) healthRoutes(app, ctx);
  return app;
}
