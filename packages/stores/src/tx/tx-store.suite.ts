import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sha256d } from "@subtreekit/subtree-stream";
import type { TxRecord, TxStore } from "./tx-store.ts";

/** A deterministic fake transaction: `size` bytes derived from `seed`, keyed by its real txid. */
export function makeTx(seed: number, size = 250, extended = false): TxRecord {
  const standard = new Uint8Array(size);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    standard[i] = x & 0xff;
  }
  const rec: TxRecord = { hash: sha256d(standard), standard, size, fee: seed };
  if (extended) rec.extended = new Uint8Array([0, 0, 0, 0, 0, 0xef, ...standard.subarray(0, 16)]);
  return rec;
}

/**
 * The behaviour every {@link TxStore} backend must show. Each backend's test file calls this
 * with a factory that opens a fresh, empty store (and a cleanup), so SQLite and Postgres are
 * held to exactly the same tests.
 */
export function describeTxStore(name: string, open: () => Promise<TxStore>): void {
  describe(`TxStore contract: ${name}`, () => {
    let store: TxStore;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store.close();
    });

    test("getTxs returns standard bytes in request order, undefined where unknown", async () => {
      const recs = Array.from({ length: 300 }, (_, i) => makeTx(1000 + i));
      await store.putTxs(recs);
      // Reverse and interleave unknown hashes so a backend answering in key order would fail.
      const unknown = makeTx(999_999).hash;
      const ask = [...recs].reverse().flatMap((r, i) => (i % 50 === 0 ? [r.hash, unknown] : [r.hash]));
      const got = await store.getTxs(ask);
      expect(got.length).toBe(ask.length);
      let k = 0;
      for (const [i, r] of [...recs].reverse().entries()) {
        expect(got[k++]).toEqual(r.standard);
        if (i % 50 === 0) expect(got[k++]).toBeUndefined();
      }
    });

    test("getTxs answers duplicates and an empty batch", async () => {
      const r = makeTx(2001);
      await store.putTxs([r]);
      const got = await store.getTxs([r.hash, r.hash, r.hash]);
      expect(got).toEqual([r.standard, r.standard, r.standard]);
      expect(await store.getTxs([])).toEqual([]);
    });

    test("getTxs of scattered, shuffled and repeated hashes (runs with gaps, lone rows) keeps request order", async () => {
      const recs = Array.from({ length: 2000 }, (_, i) => makeTx(20_000 + i, 40 + (i % 90)));
      await store.putTxs(recs);
      // Every 3rd row (gaps inside one run), every 97th (lone rows), repeats, and unknowns.
      const picks = [...recs.filter((_, i) => i % 3 === 0), ...recs.filter((_, i) => i % 97 === 0), recs[5]!, recs[5]!];
      const ask = picks.map((r) => r.hash);
      ask.push(makeTx(29_999).hash);
      let x = 7;
      for (let i = ask.length - 1; i > 0; i--) {
        x = (x * 1103515245 + 12345) >>> 0;
        const j = x % (i + 1);
        [ask[i], ask[j]] = [ask[j]!, ask[i]!];
      }
      const byHex = new Map(recs.map((r) => [Buffer.from(r.hash).toString("hex"), r.standard]));
      const got = await store.getTxs(ask);
      let wrong = 0;
      for (let i = 0; i < ask.length; i++) {
        if (!Bun.deepEquals(got[i], byHex.get(Buffer.from(ask[i]!).toString("hex")))) wrong++;
      }
      expect(wrong).toBe(0);
      expect(got.filter((g) => g === undefined).length).toBe(1);
    });

    test("hashes that share their first 8 bytes stay distinct (prefix-keyed indexes must compare in full)", async () => {
      const base = makeTx(40_001);
      const twin = (last: number) => {
        const r = makeTx(40_000 + last);
        const hash = base.hash.slice();
        hash[31] = last;
        return { ...r, hash };
      };
      const a = twin(1);
      const b = twin(2);
      const unknown = twin(3).hash;
      await store.putTxs([a, b]);
      // Looked up alone, together, and next to an unknown twin: each gets its own bytes.
      expect((await store.getTxs([b.hash]))[0]).toEqual(b.standard);
      expect(await store.getTxs([unknown, b.hash, a.hash])).toEqual([undefined, b.standard, a.standard]);
      expect(await store.has([unknown, a.hash, b.hash])).toEqual([false, true, true]);
      expect((await store.getTx(a.hash))?.standard).toEqual(a.standard);
      expect(await store.getTx(unknown)).toBeUndefined();
    });

    test("a chunk inserted together, with strays from elsewhere, prefix twins and unknowns, comes back in order", async () => {
      const far = Array.from({ length: 40 }, (_, i) => makeTx(50_000 + i));
      await store.putTxs(far);
      const chunk = Array.from({ length: 1000 }, (_, i) => makeTx(60_000 + i, 30 + (i % 50)));
      // Two txs whose hashes share their first 31 bytes sit inside the chunk.
      const twin = { ...makeTx(61_000), hash: chunk[500]!.hash.slice() };
      twin.hash[31] = twin.hash[31]! ^ 0xff;
      chunk.splice(501, 0, twin);
      await store.putTxs(chunk);
      const unknown = makeTx(69_999).hash;
      const ask = [...chunk.map((r) => r.hash)];
      ask.splice(10, 0, far[3]!.hash, unknown);
      ask.push(far[30]!.hash, chunk[0]!.hash);
      const want = ask.map((h) =>
        h === unknown ? undefined : [...chunk, ...far].find((r) => Bun.deepEquals(r.hash, h))!.standard,
      );
      const got = await store.getTxs(ask);
      let wrong = 0;
      for (let i = 0; i < ask.length; i++) if (!Bun.deepEquals(got[i], want[i])) wrong++;
      expect(wrong).toBe(0);
      const present = await store.has(ask);
      expect(present.filter((p) => !p).length).toBe(1);
      expect(present[11]).toBe(false);
    });

    test("getTx returns standard, extended, fee and size; undefined when unknown", async () => {
      const plain = makeTx(3001, 120);
      const ef = makeTx(3002, 180, true);
      await store.putTxs([plain, ef]);
      const a = await store.getTx(plain.hash);
      expect(a?.standard).toEqual(plain.standard);
      expect(a?.extended).toBeUndefined();
      expect(a?.size).toBe(120);
      expect(a?.fee).toBe(3001n);
      const b = await store.getTx(ef.hash);
      expect(b?.extended).toEqual(ef.extended!);
      expect(await store.getTx(makeTx(3003).hash)).toBeUndefined();
    });

    test("a repeated put keeps the bytes and adds a newly known extended form", async () => {
      const r = makeTx(4001);
      await store.putTxs([r]);
      const before = await store.count();
      const withEf = { ...makeTx(4001, 250, true) };
      await store.putTxs([withEf, r]);
      expect(await store.count()).toBe(before);
      expect((await store.getTx(r.hash))?.extended).toEqual(withEf.extended!);
    });

    test("has and missing report presence in request order", async () => {
      const known = makeTx(5001);
      await store.putTxs([known]);
      const unknown = makeTx(5002).hash;
      expect(await store.has([unknown, known.hash, unknown])).toEqual([false, true, false]);
      expect(await store.missing([unknown, known.hash, unknown])).toBe(2);
    });

    test("putTxs where one row is bad stores none (TypeError names the row)", async () => {
      const before = await store.count();
      const good = Array.from({ length: 20 }, (_, i) => makeTx(6000 + i));
      const bad = { ...makeTx(6100), hash: new Uint8Array(31) };
      await expect(store.putTxs([...good, bad, makeTx(6101)])).rejects.toThrow(/record 20.*32-byte/);
      const negative = { ...makeTx(6102), size: -1 };
      await expect(store.putTxs([...good, negative])).rejects.toBeInstanceOf(TypeError);
      expect(await store.count()).toBe(before);
      expect(await store.has([good[0]!.hash, good[19]!.hash])).toEqual([false, false]);
    });

    test("putTxBatches pulls one batch at a time into one transaction; a failing source stores none", async () => {
      const put = store.putTxBatches?.bind(store);
      expect(put).toBeDefined();
      const batches = Array.from({ length: 5 }, (_, b) =>
        Array.from({ length: 40 }, (_, i) => makeTx(8000 + b * 40 + i)),
      );
      const before = await store.count();
      const pulled: number[] = [];
      function* lazy(fail: boolean): Generator<TxRecord[]> {
        for (let b = 0; b < batches.length; b++) {
          pulled.push(b);
          if (fail && b === 3) throw new Error("disk gone");
          yield batches[b]!;
        }
      }
      await expect(put!(lazy(true))).rejects.toThrow("disk gone");
      expect(pulled).toEqual([0, 1, 2, 3]);
      expect(await store.count()).toBe(before);
      expect(await store.has([batches[0]![0]!.hash])).toEqual([false]);
      await put!(lazy(false));
      expect(await store.count()).toBe(before + 200);
      const all = batches.flat();
      expect((await store.getTxs(all.map((r) => r.hash))).every((b, i) => Bun.deepEquals(b, all[i]!.standard))).toBe(
        true,
      );
    });

    test("wrong-length hashes are a TypeError on every read", async () => {
      const short = new Uint8Array(31);
      await expect(store.getTxs([short])).rejects.toBeInstanceOf(TypeError);
      await expect(store.getTx(short)).rejects.toBeInstanceOf(TypeError);
      await expect(store.has([new Uint8Array(33)])).rejects.toBeInstanceOf(TypeError);
      await expect(store.getTxs(["ab".repeat(32) as unknown as Uint8Array])).rejects.toBeInstanceOf(TypeError);
    });

    test("an aborted signal rejects with its reason before touching the store", async () => {
      const ac = new AbortController();
      ac.abort(new Error("client gone"));
      await expect(store.getTxs([makeTx(7001).hash], ac.signal)).rejects.toThrow("client gone");
      await expect(store.putTxs([makeTx(7002)], { signal: ac.signal })).rejects.toThrow("client gone");
      expect(await store.has([makeTx(7002).hash])).toEqual([false]);
    });

    test("a 10,000-tx chunk round-trips in order", async () => {
      const recs = Array.from({ length: 10_000 }, (_, i) => makeTx(100_000 + i, 64 + (i % 200)));
      const before = await store.count();
      await store.putTxs(recs);
      expect(await store.count()).toBe(before + recs.length);
      const got = await store.getTxs(recs.map((r) => r.hash));
      let mismatches = 0;
      for (let i = 0; i < recs.length; i++) if (!Bun.deepEquals(got[i], recs[i]!.standard)) mismatches++;
      expect(mismatches).toBe(0);
    });
  });
}
