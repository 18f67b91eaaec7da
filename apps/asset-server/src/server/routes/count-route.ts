import { classify } from "../classify.ts";
import type { ServerContext } from "../context.ts";
import { STATUS_TEXT } from "../errors.ts";
import type { HttpRoute } from "../metrics.ts";
import type { RequestLog } from "../request-log.ts";

/**
 * Runs a route's handler and counts its outcome once under `route`, whatever the outcome: the
 * response's status, or the status a thrown error renders as. A streamed body (`log.deferred`)
 * is counted by its own end-of-stream hook instead, so it is never counted twice.
 */
export async function countRoute(
  ctx: ServerContext,
  route: HttpRoute,
  log: RequestLog,
  handler: () => Promise<Response>,
): Promise<Response> {
  try {
    const res = await handler();
    if (!log.deferred) ctx.metrics.http(route, res.status, STATUS_TEXT[res.status] ?? String(res.status));
    return res;
  } catch (error) {
    const status = classify(error, ctx.settings.asset_subtree_data_retry_after_s).status;
    ctx.metrics.http(route, status, STATUS_TEXT[status] ?? String(status));
    throw error;
  }
}
