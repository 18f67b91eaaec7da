import type { HttpRoute } from "../metrics.ts";

/**
 * The heavy routes of issue 18 (the reference's list, `/blocks` included), each with a bucket of
 * its own per client. `/headers_from_common_ancestor` is deliberately not here: catch-up must get
 * through (the reference made the same exception).
 */
export const HEAVY_ROUTES = [
  "subtree",
  "subtree_txs",
  "subtree_data",
  "block",
  "blocks",
  "block_legacy",
  "rest_block",
] as const;
export type HeavyRoute = (typeof HEAVY_ROUTES)[number];

/** How the limiter treats one request's route. */
export interface RouteLimit {
  /** Never limited: monitoring must answer while the server is being hammered. */
  readonly free: boolean;
  /** Index in {@link HEAVY_ROUTES}, or -1: the global bucket only. */
  readonly heavy: number;
  /** Where a 429 is counted beside the route's other outcomes, if the route has a counter. */
  readonly metric: HttpRoute | undefined;
}

const limit = (heavy: HeavyRoute | undefined, metric?: HttpRoute): RouteLimit =>
  Object.freeze({ free: false, heavy: heavy ? HEAVY_ROUTES.indexOf(heavy) : -1, metric });

export const ROUTE_LIMITS = {
  free: Object.freeze({ free: true, heavy: -1, metric: undefined }) as RouteLimit,
  other: limit(undefined),
  tx: limit(undefined, "get_transaction"),
  subtree: limit("subtree", "get_subtree"),
  subtree_txs: limit("subtree_txs", "get_transactions"),
  subtree_data: limit("subtree_data", "get_subtree_data"),
  block: limit("block", "get_block"),
  blocks: limit("blocks"),
  block_legacy: limit("block_legacy", "get_block_legacy"),
  rest_block: limit("rest_block", "get_block_legacy"),
} as const;

/** The path of an absolute request URL, without its query (as hono's `getPath` finds it). */
export function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf(":") + 4);
  const query = url.indexOf("?", start);
  return query < 0 ? url.slice(start) : url.slice(start, query);
}

/**
 * The limit of a request, from its method and path, before any router runs (so a 429 costs no
 * routing). `prefix` is `asset_apiPrefix` without a trailing slash. A percent-encoded path is
 * decoded first, as hono decodes it before routing: `/%73ubtree/…` must not dodge its bucket.
 */
export function routeLimitOf(method: string, rawPath: string, prefix: string): RouteLimit {
  let path = rawPath;
  if (path.includes("%")) {
    try {
      path = decodeURI(path);
    } catch {
      return ROUTE_LIMITS.other; // hono answers a malformed escape with 400 or 404
    }
  }
  if (path === "/health" || path === "/metrics") return ROUTE_LIMITS.free;
  if (path.startsWith("/rest/block/")) return path.endsWith(".bin") ? ROUTE_LIMITS.rest_block : ROUTE_LIMITS.other;
  if (prefix !== "") {
    if (!path.startsWith(prefix) || path.charCodeAt(prefix.length) !== 47 /* "/" */) return ROUTE_LIMITS.other;
    path = path.slice(prefix.length);
  }
  const end = path.indexOf("/", 1);
  const first = end < 0 ? path : path.slice(0, end);
  switch (first) {
    case "/health":
    case "/metrics":
      return end < 0 ? ROUTE_LIMITS.free : ROUTE_LIMITS.other;
    case "/subtree_data":
      return ROUTE_LIMITS.subtree_data;
    case "/subtree":
      return method === "POST" && path.endsWith("/txs") ? ROUTE_LIMITS.subtree_txs : ROUTE_LIMITS.subtree;
    case "/block":
      return ROUTE_LIMITS.block;
    case "/blocks":
      return ROUTE_LIMITS.blocks;
    case "/block_legacy":
      return ROUTE_LIMITS.block_legacy;
    case "/tx":
      return ROUTE_LIMITS.tx;
    default:
      return ROUTE_LIMITS.other;
  }
}
