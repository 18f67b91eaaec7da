import { expect, test } from "bun:test";
import { contiguousRun, joinRun } from "./contiguous-run.ts";

test("back-to-back views of one buffer are one run, joined as a view of that buffer (no copy)", () => {
  const chunk = new Uint8Array(100).map((_, i) => i);
  const views = [chunk.subarray(10, 30), chunk.subarray(30, 31), chunk.subarray(31, 90)];
  expect(contiguousRun(views, 0)).toBe(3);
  const r = joinRun(views, 0, 3);
  expect(r.buffer).toBe(chunk.buffer);
  expect([...r]).toEqual([...chunk.subarray(10, 90)]);
  expect(joinRun(views, 1, 1)).toBe(views[1]!);
});

test("a gap, another buffer, or another buffer at the very offset the run ended starts a new run", () => {
  const a = new Uint8Array(64).fill(1);
  const b = new Uint8Array(64).fill(2);
  const views = [a.subarray(0, 8), a.subarray(9, 16), b.subarray(16, 20), b.subarray(20, 22)];
  expect(contiguousRun(views, 0)).toBe(1); // gap of one byte
  expect(contiguousRun(views, 1)).toBe(1); // b continues at 16, but it is not a
  expect(contiguousRun(views, 2)).toBe(2);
  expect([...joinRun(views, 2, 2)]).toEqual(new Array(6).fill(2));
});

test("a run stops at `max` views and at the end of the list", () => {
  const chunk = new Uint8Array(40);
  const views = Array.from({ length: 10 }, (_, i) => chunk.subarray(i * 4, i * 4 + 4));
  expect(contiguousRun(views, 0, 4)).toBe(4);
  expect(contiguousRun(views, 8, 4)).toBe(2);
  expect(contiguousRun(views, 9)).toBe(1);
});
