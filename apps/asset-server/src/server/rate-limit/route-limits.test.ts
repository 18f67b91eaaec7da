import { describe, expect, test } from "bun:test";
import { HEAVY_ROUTES, pathOf, ROUTE_LIMITS, routeLimitOf } from "./route-limits.ts";

const H = "ab".repeat(32);
const heavyName = (method: string, path: string, prefix = "/api/v1") => {
  const r = routeLimitOf(method, path, prefix);
  return r.free ? "free" : r.heavy < 0 ? "global" : HEAVY_ROUTES[r.heavy];
};

describe("route limits", () => {
  test.each([
    ["GET", `/api/v1/subtree/${H}`, "subtree"],
    ["GET", `/api/v1/subtree/${H}/hex`, "subtree"],
    ["GET", `/api/v1/subtree/${H}/json`, "subtree"],
    ["GET", `/api/v1/subtree/${H}/txs/json`, "subtree"],
    ["POST", `/api/v1/subtree/${H}/txs`, "subtree_txs"],
    ["GET", `/api/v1/subtree_data/${H}`, "subtree_data"],
    ["GET", `/api/v1/block/${H}`, "block"],
    ["GET", `/api/v1/block/${H}/subtrees/json`, "block"],
    ["GET", `/api/v1/blocks/${H}`, "blocks"],
    ["GET", `/api/v1/block_legacy/${H}`, "block_legacy"],
    ["GET", `/rest/block/${H}.bin`, "rest_block"],
    // Catch-up must get through: only the per-client global bucket.
    ["GET", `/api/v1/headers_from_common_ancestor/${H}`, "global"],
    ["GET", `/api/v1/tx/${H}`, "global"],
    ["GET", "/nowhere", "global"],
    ["GET", `/rest/block/${H}.json`, "global"],
    ["GET", "/health", "free"],
    ["GET", "/metrics", "free"],
    ["GET", "/api/v1/health", "free"],
    ["GET", "/api/v1/metrics", "free"],
  ])("%s %s → %s", (method, path, want) => {
    expect(heavyName(method, path)).toBe(want);
  });

  test("a percent-encoded route name is decoded first, as hono routes it", () => {
    expect(heavyName("GET", `/api/v1/%73ubtree_data/${H}`)).toBe("subtree_data");
    expect(heavyName("GET", `/api/v1/%62lock/${H}`)).toBe("block");
    expect(routeLimitOf("GET", "/api/v1/%zz", "/api/v1")).toBe(ROUTE_LIMITS.other);
  });

  test("the prefix is honoured, and an empty prefix serves from the root", () => {
    expect(heavyName("GET", `/v2/block/${H}`, "/v2")).toBe("block");
    expect(heavyName("GET", `/api/v1/block/${H}`, "/v2")).toBe("global");
    expect(heavyName("GET", `/v2x/block/${H}`, "/v2")).toBe("global");
    expect(heavyName("GET", `/block/${H}`, "")).toBe("block");
    expect(heavyName("GET", "/health", "")).toBe("free");
  });

  test("pathOf drops scheme, host and query", () => {
    expect(pathOf("http://127.0.0.1:8090/api/v1/blocks/x?n=5")).toBe("/api/v1/blocks/x");
    expect(pathOf("http://[::1]:80/health")).toBe("/health");
  });
});
