import { expect, test } from "bun:test";
import { ByteRuns } from "./byte-runs.ts";

test("back-to-back views of one buffer become one range, a view of that buffer (no copy)", () => {
  const chunk = new Uint8Array(100).map((_, i) => i);
  const runs = new ByteRuns();
  runs.add(chunk.subarray(10, 30));
  runs.add(chunk.subarray(30, 31));
  runs.add(chunk.subarray(31, 90));
  expect(runs.count).toBe(1);
  const r = runs.take(0);
  expect(r.buffer).toBe(chunk.buffer);
  expect([...r]).toEqual([...chunk.subarray(10, 90)]);
});

test("a gap, another buffer, or another buffer at the very offset the range ended starts a new range", () => {
  const a = new Uint8Array(64).fill(1);
  const b = new Uint8Array(64).fill(2);
  const runs = new ByteRuns();
  runs.add(a.subarray(0, 8));
  runs.add(a.subarray(9, 16)); // gap of one byte
  runs.add(b.subarray(16, 20)); // b continues at 16, but it is not a
  expect(runs.count).toBe(3);
  expect([...runs.take(0)]).toEqual(new Array(8).fill(1));
  expect([...runs.take(1)]).toEqual(new Array(7).fill(1));
  expect([...runs.take(2)]).toEqual(new Array(4).fill(2));
  runs.clear();
  expect(runs.count).toBe(0);
  runs.add(b.subarray(0, 2));
  expect(runs.count).toBe(1);
  expect([...runs.take(0)]).toEqual([2, 2]);
});
