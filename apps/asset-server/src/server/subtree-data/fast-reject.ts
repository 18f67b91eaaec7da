import type { ServerContext } from "../context.ts";
import { logRequest } from "../request-log.ts";
import { recentlyRejected, rejectAtCapacity } from "./handle.ts";

const LOWER_HEX_64 = /^[0-9a-f]{64}$/;
const HEX_64 = /^[0-9a-fA-F]{64}$/;

/**
 * The repeat 503 of `GET /subtree_data/:hash`, answered before hono: the same decision
 * `handleSubtreeData` reaches through its rejection cache (cap full, no build of this hash here,
 * answered 503 for it < 250 ms ago, single process), with the same response, metric and log line.
 * Anything else returns `undefined` and goes through the app. In a 503 storm hono's middleware
 * chain, context and router were ~40% of a rejected request's CPU; this keeps rejecting close to
 * the cost of a constant 503 (bench/asset-reject.ts).
 *
 * @example
 * ```ts
 * const fast = fastRejection(ctx);
 * Bun.serve({ routes: { "/api/v1/subtree_data/:hash": { GET: (req) => fast(req, req.params.hash) ?? app.fetch(req) } }, fetch: app.fetch });
 * ```
 */
export function fastRejection(ctx: ServerContext): (req: Request, raw: string) => Response | undefined {
  // The route's own path: `req.url` (a new string per read) showed as 8% of a rejection.
  const routePath = `${ctx.settings.asset_apiPrefix.replace(/\/+$/, "")}/subtree_data/`;
  return (req, raw) => {
    if (ctx.closing || ctx.coordinator || ctx.createSem.available !== 0) return undefined;
    const start = performance.now();
    // Only a well-formed hash can have been rejected; a bad one takes the app's 400 path.
    const hex = LOWER_HEX_64.test(raw) ? raw : HEX_64.test(raw) ? raw.toLowerCase() : undefined;
    if (hex === undefined || ctx.builds.has(hex) || !recentlyRejected(ctx, hex)) return undefined;
    const res = rejectAtCapacity(ctx, hex);
    ctx.metrics.http("get_subtree_data", 503, "Service Unavailable");
    logRequest(ctx.logger, req.method, routePath + raw, 503, BODY_BYTES, start, "rejected");
    return res;
  };
}

/** Content-Length of the 503 body (ASCII): the message is fixed but for the 64-char hash. */
const BODY_BYTES = `{"message":"on-demand subtree data creation at capacity for ${"0".repeat(64)}; retry later"}`
  .length;
