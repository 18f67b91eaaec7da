import { expect, test } from "bun:test";
import { TokenBucket } from "./token-bucket.ts";

test("a full bucket gives `rate` tokens at once, then one per 1/rate s, never more than `rate` banked", () => {
  const b = new TokenBucket(5, 0);
  for (let i = 0; i < 5; i++) expect(b.take(0)).toBe(0);
  expect(b.take(0)).toBeCloseTo(200); // one token every 200 ms
  expect(b.take(100)).toBeCloseTo(100); // half refilled
  expect(b.take(200)).toBe(0);
  // An hour idle banks no more than the burst.
  let given = 0;
  while (b.take(3_600_000) === 0) given++;
  expect(given).toBe(5);
});

test("a clock that steps back refills nothing", () => {
  const b = new TokenBucket(1, 1000);
  expect(b.take(1000)).toBe(0);
  expect(b.take(500)).toBeGreaterThan(0);
});
