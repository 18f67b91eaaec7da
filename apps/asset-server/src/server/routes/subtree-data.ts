import type { Hono } from "hono";
import { classify } from "../classify.ts";
import type { AppEnv, ServerContext } from "../context.ts";
import { errorResponse, STATUS_TEXT } from "../errors.ts";
import { logRequest, RequestLog } from "../request-log.ts";
import { admit, type Decision, type Target, targetOf } from "../subtree-data/admit.ts";
import { REJECT_BYTES, rejectResponse, respond } from "../subtree-data/respond.ts";

/** `GET /subtree_data/:hash` in the app (e.g. `app.request` in tests); `Bun.serve` routes it natively. */
export function subtreeDataRoutes(app: Hono<AppEnv>, ctx: ServerContext): void {
  const handle = subtreeDataHandler(ctx);
  app.get("/subtree_data/:hash", (c) => handle(c.req.raw, c.req.param("hash"), c.var.log));
}

/**
 * `GET /subtree_data/:hash`: `admit` decides, `respond` answers. It renders its own errors, metric
 * and log line, so `Bun.serve` can route it natively, past hono's middleware: a 503 storm is
 * mostly this route, and hono's chain was a large share of a rejected request's CPU.
 */
export function subtreeDataHandler(
  ctx: ServerContext,
): (req: Request, raw: string | undefined, log?: RequestLog) => Response | Promise<Response> {
  const routePath = `${ctx.settings.asset_apiPrefix.replace(/\/+$/, "")}/subtree_data/`;
  const retryAfterS = ctx.settings.asset_subtree_data_retry_after_s;
  const failed = (error: unknown, log: RequestLog): Response => {
    const e = classify(error, retryAfterS);
    ctx.metrics.http("get_subtree_data", e.status, STATUS_TEXT[e.status] ?? String(e.status));
    if (e.status >= 500 && e.status !== 503) ctx.logger.warn({ err: e.message, path: log.path }, "request failed");
    const res = errorResponse(e);
    const len = res.headers.get("content-length");
    log.end(e.status, len === null ? undefined : Number(len), log.outcome === "rejected" ? "rejected" : "error");
    return res;
  };
  const answered = (res: Response, log: RequestLog): Response => {
    if (!log.deferred) {
      ctx.metrics.http("get_subtree_data", res.status, STATUS_TEXT[res.status] ?? String(res.status));
      const len = res.headers.get("content-length");
      log.end(res.status, len === null ? undefined : Number(len));
    }
    return res;
  };
  return (req, raw, given) => {
    const start = performance.now();
    try {
      const t = targetOf(ctx, raw);
      // `req` as the signal holder: Bun creates `req.signal` on first read, which a 503 never needs.
      const d = admit(ctx, t, req);
      // The 503 of a full cap is answered without an await or a log object: it is most of a storm.
      if (!(d instanceof Promise) && d.kind === "reject" && d.why === "capacity") {
        ctx.metrics.http("get_subtree_data", 503, "Service Unavailable");
        if (given) given.end(503, REJECT_BYTES, "rejected");
        else logRequest(ctx.logger, req.method, routePath + raw, 503, REJECT_BYTES, start, "rejected");
        return rejectResponse(ctx, t.hex, d.retryAfterS);
      }
      return decided(t, d, given ?? new RequestLog(ctx.logger, req.method, routePath + raw, start), req);
    } catch (error) {
      return failed(error, given ?? new RequestLog(ctx.logger, req.method, routePath + (raw ?? ""), start));
    }
  };
  async function decided(t: Target, d: Decision | Promise<Decision>, log: RequestLog, req: Request): Promise<Response> {
    try {
      return answered(await respond(ctx, t, await d, log, req), log);
    } catch (error) {
      return failed(error, log);
    }
  }
}
