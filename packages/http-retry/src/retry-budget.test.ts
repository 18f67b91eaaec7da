import { describe, expect, test } from "bun:test";
import { RetryBudget } from "./retry-budget.ts";

describe("RetryBudget", () => {
  test("starts with perSecond tokens and adds ratio per request, exactly", () => {
    const t = 0;
    const budget = new RetryBudget({ now: () => t });
    for (let i = 0; i < 100; i++) budget.recordRequest();
    expect(budget.available).toBe(30); // 10 + 20 % of 100, no float drift
    let granted = 0;
    while (budget.tryRetry()) granted++;
    expect(granted).toBe(30);
    expect(budget.tryRetry()).toBe(false);
  });

  test("refills perSecond over time, up to maxTokens", () => {
    let t = 0;
    const budget = new RetryBudget({ now: () => t, perSecond: 10, maxTokens: 15 });
    while (budget.tryRetry());
    t += 500;
    expect(budget.available).toBe(5);
    t += 10_000;
    expect(budget.available).toBe(15);
    t -= 5000; // a clock going backwards must not add or remove tokens
    expect(budget.available).toBe(15);
  });

  test("rejects negative settings", () => {
    expect(() => new RetryBudget({ ratio: -1 })).toThrow(RangeError);
  });
});
