import { expect, test } from "bun:test";
import { sessionOf } from "../session.ts";
import type { BlobStoreLike, TxStoreLike } from "../types.ts";
import { attemptBudgetMs, BUDGET_TX_BYTES } from "./attempt-budget.ts";

// never called: the budget reads settings only
const stores = { txStore: {} as TxStoreLike, blobStore: {} as BlobStoreLike };

test("defaults: 30 s stall timeout; the 300 s per-attempt timeout is the floor, a 1M-tx subtree gets its bytes at 1 MiB/s", () => {
  const s = sessionOf({ peers: [], ...stores });
  expect(s.settings.http_stall_timeout).toBe(30_000);
  expect(attemptBudgetMs(s, 32)).toBe(300_000);
  // 1,048,576 txs × 1 KiB at 1 MiB/s = 1024 s: a slow but honest peer of a 262 MB subtree fits
  expect(attemptBudgetMs(s, 1_048_576)).toBe(1_024_000);
  expect(BUDGET_TX_BYTES).toBe(1024);
});

test("the budget follows http_min_body_rate and never drops below --timeout", () => {
  const s = sessionOf({ peers: [], ...stores, settings: { http_min_body_rate: 512 * 1024 }, timeoutMs: 1000 });
  expect(attemptBudgetMs(s, 1)).toBe(1000);
  expect(attemptBudgetMs(s, 10_240)).toBe(20_000); // 10 MiB at 512 KiB/s
});
