import { describe, expect, test } from "bun:test";
import { TruncatedTxError } from "../errors/truncated-tx-error.ts";
import { rng } from "../testdata/helpers.ts";
import { writeVarint } from "../varint.ts";
import { TxSplitter } from "./tx-splitter.ts";

/** A standard tx with `outputs` outputs of `scriptLen`-byte scripts. */
function makeTx(outputs: number, scriptLen: number, tag: number): Uint8Array {
  const count = writeVarint(outputs);
  const script = writeVarint(scriptLen);
  const size = 4 + 1 + 41 + count.length + outputs * (8 + script.length + scriptLen) + 4;
  const tx = new Uint8Array(size);
  tx[0] = 1;
  tx[4] = 1;
  tx[5] = tag;
  let p = 46;
  tx.set(count, p);
  p += count.length;
  for (let i = 0; i < outputs; i++) {
    p += 8;
    tx.set(script, p);
    p += script.length + scriptLen;
  }
  return tx;
}

describe("TxSplitter", () => {
  test("buffering stays O(largest tx + chunk), and every tx comes out whole", () => {
    const rand = rng(5);
    const txs = [makeTx(3, 25, 1), makeTx(1, 300_000, 2), makeTx(20_000, 10, 3), makeTx(2, 25, 4), makeTx(1, 5, 5)];
    const body = new Uint8Array(txs.reduce((n, t) => n + t.length, 0));
    let at = 0;
    for (const t of txs) {
      body.set(t, at);
      at += t.length;
    }
    const largest = Math.max(...txs.map((t) => t.length));
    const splitter = new TxSplitter(1 << 20);
    const got: number[] = [];
    let maxChunk = 0;
    for (let p = 0; p < body.length; ) {
      const size = 1 + Math.floor(rand() * 9000);
      maxChunk = Math.max(maxChunk, size);
      splitter.push(body.slice(p, p + size));
      p += size;
      while (splitter.next()) got.push(splitter.bytes().length);
      // biome-ignore lint/suspicious/noExplicitAny: reads the private buffer to assert its bound
      const cap = (splitter as any).buf.length as number;
      expect(cap).toBeLessThanOrEqual(2 * (largest + maxChunk));
    }
    splitter.end();
    while (splitter.next()) got.push(splitter.bytes().length);
    expect(got).toEqual(txs.map((t) => t.length));
  });

  test("a partial tx at the end is TruncatedTxError with its offset and length", () => {
    const tx = makeTx(2, 25, 1);
    const splitter = new TxSplitter(1 << 20);
    splitter.push(tx);
    splitter.push(tx.subarray(0, 30));
    expect(splitter.next()).toBe(true);
    expect(splitter.next()).toBe(false);
    splitter.end();
    const err = (() => {
      try {
        splitter.next();
      } catch (e) {
        return e as TruncatedTxError;
      }
    })();
    expect(err).toBeInstanceOf(TruncatedTxError);
    expect([err?.offset, err?.available]).toEqual([tx.length, 30]);
  });
});
