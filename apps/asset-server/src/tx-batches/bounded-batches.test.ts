import { describe, expect, test } from "bun:test";
import type { TxRecord } from "@subtreekit/stores";
import { BATCH_BYTES, BATCH_TXS, boundedBatches } from "./bounded-batches.ts";

const rec = (bytes: number): TxRecord => ({ hash: new Uint8Array(32), standard: new Uint8Array(bytes), size: bytes });

describe("boundedBatches", () => {
  test("cuts at maxTxs and at maxBytes, keeps order, and loses nothing", () => {
    const records = Array.from({ length: 25 }, (_, i) => rec(10 + i));
    const byCount = [...boundedBatches(records, { maxTxs: 10, maxBytes: 1e9 })];
    expect(byCount.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(byCount.flat()).toEqual(records);
    const byBytes = [...boundedBatches([rec(40), rec(40), rec(40)], { maxTxs: 100, maxBytes: 100 })];
    expect(byBytes.map((b) => b.length)).toEqual([2, 1]);
  });

  test("a tx larger than maxBytes goes alone; extended bytes count too", () => {
    const big = rec(500);
    expect([...boundedBatches([rec(10), big, rec(10)], { maxBytes: 100 })].map((b) => b.length)).toEqual([1, 1, 1]);
    const ef = { ...rec(30), extended: new Uint8Array(30) };
    expect([...boundedBatches([ef, ef], { maxBytes: 100 })].map((b) => b.length)).toEqual([1, 1]);
  });

  test("pulls records only as batches are taken: one batch ahead at most", () => {
    let pulled = 0;
    function* source(): Generator<TxRecord> {
      for (let i = 0; i < 100_000; i++) {
        pulled++;
        yield rec(1);
      }
    }
    const it = boundedBatches(source());
    expect(it.next().value).toHaveLength(BATCH_TXS);
    expect(pulled).toBe(BATCH_TXS + 1);
    expect(BATCH_BYTES).toBeGreaterThan(0);
  });

  test("no records, no batches", () => {
    expect([...boundedBatches([])]).toEqual([]);
  });
});
