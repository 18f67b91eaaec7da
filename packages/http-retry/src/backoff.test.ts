import { describe, expect, test } from "bun:test";
import { backoffDelay, type Jitter, retryAfterDelay } from "./backoff.ts";
import { seededRandom } from "./testdata/server.ts";

const base = { initialDelayMs: 250, maxDelayMs: 5000, random: Math.random };

describe("backoffDelay", () => {
  test("doubles from 250 ms and caps at 5 s without jitter (250, 500, 1000, 2000, 4000, 5000)", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, { ...base, jitter: "none" }));
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
  });

  // Statistical bounds with a seeded generator: never flaky, still fails if the formula changes.
  test.each([
    ["equal", 0.5, 1, 0.75],
    ["full", 0, 1, 0.5],
  ] as [Jitter, number, number, number][])("%s jitter stays in [%p·d, %p·d] with mean %p·d", (jitter, lo, hi, mean) => {
    const random = seededRandom(42);
    for (const retry of [1, 3, 6]) {
      const d = Math.min(250 * 2 ** (retry - 1), 5000);
      const samples = Array.from({ length: 10_000 }, () => backoffDelay(retry, { ...base, jitter, random }));
      expect(Math.min(...samples)).toBeGreaterThanOrEqual(Math.floor(lo * d));
      expect(Math.max(...samples)).toBeLessThanOrEqual(Math.ceil(hi * d));
      const avg = samples.reduce((a, b) => a + b, 0) / samples.length;
      expect(Math.abs(avg / d - mean)).toBeLessThan(0.02);
      // Spread over the whole range, not stuck at one end: the herd really is scattered.
      const lowQuarter = samples.filter((s) => s < lo * d + (hi - lo) * d * 0.25).length;
      expect(lowQuarter / samples.length).toBeGreaterThan(0.2);
      expect(lowQuarter / samples.length).toBeLessThan(0.3);
    }
  });

  test("a Retry-After hint is never shortened and with jitter lands in [hint, 1.5·hint], below the ceiling", () => {
    const random = seededRandom(7);
    expect(retryAfterDelay(1000, "none", random, 30_000)).toBe(1000);
    const samples = Array.from({ length: 5000 }, () => retryAfterDelay(1000, "equal", random, 30_000));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...samples)).toBeLessThanOrEqual(1500);
    expect(Math.max(...samples)).toBeGreaterThan(1400);
    expect(retryAfterDelay(29_000, "full", () => 0.99, 30_000)).toBe(30_000);
  });
});
