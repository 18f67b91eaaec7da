import type { ServerContext } from "../context.ts";
import { logRequest } from "../request-log.ts";
import { pathOf, type RouteLimit, routeLimitOf } from "./route-limits.ts";

const BODY = '{"message":"rate limit exceeded"}';
const BODY_BYTES = BODY.length;

/** What the guard needs of `Bun.serve`'s server: the socket's peer address. */
export interface PeerSource {
  requestIP(req: Request): { address: string } | null;
}

/**
 * Runs before any router, on hono's path and on the native `subtree_data` route alike: `undefined`
 * lets the request through, else the 429. A 429 is answered without hono, an await or an Error
 * (headers built once per Retry-After), so a flood of them costs no more than a constant 429.
 * Every 429 is counted beside the 503s; at most one a second per client is logged (outcome
 * `rate_limited`, with the count of those left out).
 */
export function rateLimitGuard(
  ctx: ServerContext,
): (req: Request, server: PeerSource | undefined, route?: RouteLimit) => Response | undefined {
  const { limiter } = ctx;
  if (!limiter.enabled) return () => undefined;
  const prefix = ctx.settings.asset_apiPrefix.replace(/\/+$/, "");
  const inits = new Map<number, ResponseInit>();
  return (req, server, known) => {
    let path: string | undefined;
    let route = known;
    if (!route) {
      path = pathOf(req.url);
      route = routeLimitOf(req.method, path, prefix);
    }
    if (route.free) return undefined;
    const limited = limiter.check(route, server?.requestIP(req)?.address, req);
    if (!limited) return undefined;
    ctx.metrics.rateLimited(limited.scope);
    if (route.metric) ctx.metrics.http(route.metric, 429, "Too Many Requests");
    if (limited.unlogged >= 0) {
      const start = performance.now();
      const logged = path ?? pathOf(req.url);
      logRequest(ctx.logger, req.method, logged, 429, BODY_BYTES, start, "rate_limited", undefined, limited);
    }
    let init = inits.get(limited.retryAfterS);
    if (!init) {
      const headers = new Headers({
        "content-type": "application/json",
        "content-length": String(BODY_BYTES),
        "retry-after": String(limited.retryAfterS),
      });
      inits.set(limited.retryAfterS, (init = { status: 429, headers }));
    }
    return new Response(BODY, init);
  };
}
