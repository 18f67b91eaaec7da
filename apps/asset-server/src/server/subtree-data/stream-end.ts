import type { ServerContext } from "../context.ts";
import type { RequestLog } from "../request-log.ts";
import type { StreamEnd } from "../stream-response.ts";

export const OCTET = { "content-type": "application/octet-stream" } as const;

/** Metrics and the request log line once a streamed subtree_data body is over. */
export function streamEnded(ctx: ServerContext, log: RequestLog, source: string, end: StreamEnd): void {
  ctx.metrics.bytesStreamed.inc({ source }, end.bytes);
  ctx.metrics.http("get_subtree_data", end.outcome === "ok" ? 200 : 500, "Internal Server Error");
  // A clean end keeps how it was served (built, followed); otherwise say how it ended.
  log.end(200, end.bytes, end.outcome === "ok" ? log.outcome : end.outcome, end.error);
}
