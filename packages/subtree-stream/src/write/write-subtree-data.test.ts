import { describe, expect, test } from "bun:test";
import { COINBASE_PLACEHOLDER, toDisplayHex } from "../hash.ts";
import { rng } from "../testdata/helpers.ts";
import {
  EmptySubtreeDataError,
  MisplacedCoinbaseError,
  MissingTxError,
  nodeChunks,
  type TxSink,
  type TxSource,
  writeSubtreeData,
} from "./index.ts";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Node hash i: first byte never 0xFF so only COINBASE_PLACEHOLDER is a placeholder. */
function hashOf(i: number): Uint8Array {
  const h = new Uint8Array(32);
  new DataView(h.buffer).setUint32(0, i, true);
  h[31] = 0x01;
  return h;
}
const indexOf = (h: Uint8Array) => new DataView(h.buffer, h.byteOffset).getUint32(0, true);
/** Tx bytes of node i: its index then (i % 7) filler bytes, so lengths vary. */
function txOf(i: number): Uint8Array {
  const b = new Uint8Array(4 + (i % 7));
  new DataView(b.buffer).setUint32(0, i, true);
  return b;
}
function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
const expectedBytes = (n: number) => concat(Array.from({ length: n }, (_, i) => txOf(i)));

/** A source serving txOf(i) for hashOf(i), counting concurrent calls. */
function countingSource(delay?: (chunkFirst: number) => Promise<void>) {
  const stats = { calls: 0, active: 0, maxActive: 0, requests: [] as number[][] };
  const source: TxSource = {
    async getTxs(hashes, signal) {
      stats.calls++;
      stats.active++;
      stats.maxActive = Math.max(stats.maxActive, stats.active);
      stats.requests.push(hashes.map(indexOf));
      try {
        if (delay) await delay(indexOf(hashes[0] as Uint8Array));
        signal?.throwIfAborted();
        return hashes.map((h) => txOf(indexOf(h)));
      } finally {
        stats.active--;
      }
    },
  };
  return { source, stats };
}

function collectingSink(delay?: () => Promise<void> | undefined) {
  const parts: Uint8Array[] = [];
  const sink: TxSink = {
    write(b) {
      parts.push(b);
      return delay?.();
    },
  };
  return { sink, parts };
}

const hashes = (n: number) => Array.from({ length: n }, (_, i) => hashOf(i));

describe("writeSubtreeData: order and bounds", () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    test(`seed ${seed}: random delays in source and sink keep node order and the window`, async () => {
      const rand = rng(seed);
      const n = 200 + Math.floor(rand() * 400);
      const chunkSize = 1 + Math.floor(rand() * 40);
      const concurrency = 1 + Math.floor(rand() * 4);
      const window = concurrency + Math.floor(rand() * 3);
      // Independent of the writer's own hooks: chunks started by the source minus chunks fully
      // seen by the sink is what is held in memory (fetching or buffered).
      let written = 0;
      let maxHeld = 0;
      const { source, stats } = countingSource(async () => {
        maxHeld = Math.max(maxHeld, stats.calls - Math.floor(written / chunkSize));
        await sleep(Math.floor(rand() * 4));
      });
      const { sink, parts } = collectingSink(() => {
        written++;
        return rand() < 0.05 ? sleep(1) : undefined;
      });
      // Input arrays of random sizes: the writer must re-chunk them.
      const all = hashes(n);
      async function* nodes() {
        for (let i = 0; i < n; ) {
          const k = 1 + Math.floor(rand() * 50);
          yield all.slice(i, i + k);
          i += k;
        }
      }
      const res = await writeSubtreeData({ nodes: nodes(), source, sink, chunkSize, concurrency, window });
      expect(res.txs).toBe(n);
      expect(concat(parts)).toEqual(expectedBytes(n));
      expect(res.bytes).toBe(expectedBytes(n).length);
      expect(stats.maxActive).toBeLessThanOrEqual(Math.min(concurrency, window));
      expect(maxHeld).toBeLessThanOrEqual(window);
      // Every request but the last is exactly chunkSize.
      expect(stats.requests.slice(0, -1).every((r) => r.length === chunkSize)).toBe(true);
    });
  }

  test("a slow head chunk does not let later chunks pile up (reference aborted with 'pending cap')", async () => {
    let release: () => void = () => {};
    const headGate = new Promise<void>((r) => {
      release = r;
    });
    const events: { fetching: number; inFlight: number }[] = [];
    const { source, stats } = countingSource(async (first) => {
      if (first === 0) await headGate;
    });
    const { sink, parts } = collectingSink();
    const run = writeSubtreeData({
      nodes: nodeChunks(hashes(100), 7),
      source,
      sink,
      chunkSize: 5,
      concurrency: 2,
      onChunk: (e) => events.push(e),
    });
    await sleep(20);
    // With window = concurrency = 2, only chunks 0 and 1 may have been requested.
    expect(stats.calls).toBe(2);
    release();
    const res = await run;
    expect(res.txs).toBe(100);
    expect(concat(parts)).toEqual(expectedBytes(100));
    expect(Math.max(...events.map((e) => e.inFlight))).toBeLessThanOrEqual(2);
    expect(Math.max(...events.map((e) => e.fetching))).toBeLessThanOrEqual(2);
  });

  test("pulls nodes lazily: never more than window + 1 chunks of a large subtree are held", async () => {
    const chunkSize = 1000;
    let pulled = 0;
    let written = 0;
    let maxAhead = 0;
    async function* nodes() {
      for (let i = 0; i < 100_000; i += 500) {
        pulled += 500;
        maxAhead = Math.max(maxAhead, pulled - written);
        yield Array.from({ length: 500 }, (_, k) => hashOf(i + k));
      }
    }
    const { source } = countingSource();
    const res = await writeSubtreeData({
      nodes: nodes(),
      source,
      sink: { write: () => void written++ },
      chunkSize,
      concurrency: 2,
    });
    expect(res.txs).toBe(100_000);
    expect(maxAhead).toBeLessThanOrEqual((2 + 1) * chunkSize);
  });

  test("the event loop turns between chunks even when the source and the sink never wait", async () => {
    // A source that answers at once (as bun:sqlite does underneath its promise) and a sink that
    // buffers: without a turn per chunk the whole build ran on microtasks and starved everything
    // else in the process (timers, other requests) until it ended.
    let turns = 0;
    let running = true;
    const tick = () => {
      if (!running) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    const { source } = countingSource();
    const res = await writeSubtreeData({
      nodes: [Array.from({ length: 1000 }, (_, i) => hashOf(i))],
      source,
      sink: { write: () => {} },
      chunkSize: 100,
    });
    running = false;
    expect(res.txs).toBe(1000);
    expect(turns).toBeGreaterThanOrEqual(10 - 1); // a turn after every chunk but the last
  });
});

describe("writeSubtreeData: chunkBytes", () => {
  const sizeOf = (node: Uint8Array) => txOf(indexOf(node)).length;

  test("each fetch holds as many nodes as fit in chunkBytes (by nodeBytes), in order, never more", async () => {
    const n = 300;
    const { source, stats } = countingSource();
    const { sink, parts } = collectingSink();
    const res = await writeSubtreeData({
      nodes: [hashes(n)],
      source,
      sink,
      chunkSize: 1000,
      chunkBytes: 50,
      nodeBytes: sizeOf,
    });
    expect(concat(parts)).toEqual(expectedBytes(n));
    expect(res.txs).toBe(n);
    const bytesOf = (req: number[]) => req.reduce((sum, i) => sum + txOf(i).length, 0);
    expect(stats.requests.flat()).toEqual(Array.from({ length: n }, (_, i) => i));
    for (const [k, req] of stats.requests.entries()) {
      expect(bytesOf(req)).toBeLessThanOrEqual(50);
      // Full: the next node would not have fitted (except after the last chunk).
      const next = req.at(-1)! + 1;
      if (k < stats.requests.length - 1) expect(bytesOf(req) + txOf(next).length).toBeGreaterThan(50);
    }
  });

  test("a tx bigger than chunkBytes is a chunk of its own; chunkSize still caps the count", async () => {
    const one = countingSource();
    await writeSubtreeData({
      nodes: [hashes(20)],
      ...one,
      sink: collectingSink().sink,
      chunkBytes: 1,
      nodeBytes: sizeOf,
    });
    expect(one.stats.requests.every((r) => r.length === 1)).toBe(true);
    const capped = countingSource();
    await writeSubtreeData({
      nodes: [hashes(20)],
      ...capped,
      sink: collectingSink().sink,
      chunkSize: 3,
      chunkBytes: 1_000_000,
      nodeBytes: sizeOf,
    });
    expect(capped.stats.requests.map((r) => r.length)).toEqual([3, 3, 3, 3, 3, 3, 2]);
  });

  test("chunkBytes without nodeBytes is a TypeError, a non-positive one a RangeError", async () => {
    const base = { nodes: [hashes(3)], source: countingSource().source, sink: collectingSink().sink };
    await expect(writeSubtreeData({ ...base, chunkBytes: 100 })).rejects.toBeInstanceOf(TypeError);
    await expect(writeSubtreeData({ ...base, chunkBytes: 0, nodeBytes: () => 1 })).rejects.toBeInstanceOf(RangeError);
  });
});

describe("writeSubtreeData: failures", () => {
  test("abort mid-way rejects promptly with the reason and stops calling the source", async () => {
    const ac = new AbortController();
    const never = new Promise<void>(() => {});
    // Chunk 3 never resolves and ignores its signal: the writer must not wait for it.
    const { source, stats } = countingSource((first) => (first === 30 ? never : Promise.resolve()));
    let writesAfterAbort = 0;
    const { sink } = collectingSink(() => {
      if (ac.signal.aborted) writesAfterAbort++;
      return undefined;
    });
    const run = writeSubtreeData({ nodes: nodeChunks(hashes(1000)), source, sink, chunkSize: 10, signal: ac.signal });
    await sleep(10);
    const callsAtAbort = stats.calls;
    const reason = new Error("client gone");
    ac.abort(reason);
    await expect(run).rejects.toBe(reason);
    await sleep(10);
    expect(stats.calls).toBe(callsAtAbort);
    expect(writesAfterAbort).toBe(0);
  });

  test("abort is seen within 256 txs (here: on the very next write)", async () => {
    const ac = new AbortController();
    let writes = 0;
    const { source } = countingSource();
    const run = writeSubtreeData({
      nodes: nodeChunks(hashes(5000)),
      source,
      sink: {
        write() {
          writes++;
          if (writes === 100) ac.abort(new Error("stop"));
        },
      },
      chunkSize: 5000,
      signal: ac.signal,
    });
    await expect(run).rejects.toThrow("stop");
    expect(writes).toBeGreaterThanOrEqual(100);
    expect(writes).toBeLessThanOrEqual(100 + 256);
  });

  test("txs back to back in one buffer (a read worker's batch) are written in runs of at most 256, in order", async () => {
    const n = 1000;
    // One buffer per chunk, each tx a view of it; every 300th tx of its own, which breaks the run.
    const source: TxSource = {
      async getTxs(hs) {
        const packed = concat(hs.map((h) => txOf(indexOf(h))));
        let at = 0;
        return hs.map((h, i) => {
          const len = txOf(indexOf(h)).length;
          const view = i % 300 === 299 ? txOf(indexOf(h)) : packed.subarray(at, at + len);
          at += len;
          return view;
        });
      },
    };
    const { sink, parts } = collectingSink();
    const res = await writeSubtreeData({ nodes: nodeChunks(hashes(n)), source, sink, chunkSize: 600 });
    expect(res).toEqual({ txs: n, bytes: expectedBytes(n).length });
    expect(Buffer.compare(concat(parts), expectedBytes(n))).toBe(0);
    // Chunk 1 (600 txs): 256, 43, 1 alone, 256, 43, 1 alone; chunk 2 (400): 256, 43, 1 alone, 100.
    expect(parts.length).toBe(10);
  });

  test("abort is seen within 256 txs when txs are written in runs", async () => {
    const ac = new AbortController();
    let txsWritten = 0;
    const source: TxSource = {
      async getTxs(hs) {
        const packed = new Uint8Array(hs.length * 4);
        return hs.map((_, i) => packed.subarray(i * 4, i * 4 + 4));
      },
    };
    const run = writeSubtreeData({
      nodes: nodeChunks(hashes(5000)),
      source,
      sink: {
        write(b) {
          txsWritten += b.length / 4;
          if (txsWritten >= 100 && !ac.signal.aborted) ac.abort(new Error("stop"));
        },
      },
      chunkSize: 5000,
      signal: ac.signal,
    });
    await expect(run).rejects.toThrow("stop");
    expect(txsWritten).toBeLessThanOrEqual(100 + 256 + 256);
  });

  test("abort while a sink write hangs (stalled client) rejects at once", async () => {
    const ac = new AbortController();
    const { source } = countingSource();
    let writes = 0;
    const run = writeSubtreeData({
      nodes: nodeChunks(hashes(100)),
      source,
      sink: {
        write() {
          writes++;
          return new Promise<void>(() => {});
        },
      },
      signal: ac.signal,
    });
    await sleep(5);
    const reason = new Error("idle timeout");
    ac.abort(reason);
    await expect(run).rejects.toBe(reason);
    expect(writes).toBe(1);
  });

  test("a sink whose write aborts the signal and then hangs: rejects with the reason", async () => {
    const ac = new AbortController();
    const { source } = countingSource();
    const reason = new Error("gone during write");
    const run = writeSubtreeData({
      nodes: nodeChunks(hashes(10)),
      source,
      sink: {
        write() {
          ac.abort(reason);
          return new Promise<void>(() => {});
        },
      },
      signal: ac.signal,
    });
    await expect(run).rejects.toBe(reason);
  });

  test("a source answering with the wrong number of txs is a TypeError, nothing written", async () => {
    const { sink, parts } = collectingSink();
    const source: TxSource = { getTxs: async (hs) => hs.slice(1).map((h) => txOf(indexOf(h))) };
    const err = await writeSubtreeData({ nodes: nodeChunks(hashes(10)), source, sink }).catch((e) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect(parts.length).toBe(0);
  });

  test("an already aborted signal rejects before any fetch", async () => {
    const { source, stats } = countingSource();
    const reason = new Error("already");
    const run = writeSubtreeData({
      nodes: nodeChunks(hashes(10)),
      source,
      sink: { write() {} },
      signal: AbortSignal.abort(reason),
    });
    await expect(run).rejects.toBe(reason);
    expect(stats.calls).toBe(0);
  });

  test("source error rejects with it and nothing is written after it", async () => {
    const boom = new Error("store down");
    const source: TxSource = {
      async getTxs(hs) {
        const first = indexOf(hs[0] as Uint8Array);
        if (first === 20) {
          await sleep(5);
          throw boom;
        }
        return hs.map((h) => txOf(indexOf(h)));
      },
    };
    const { sink, parts } = collectingSink();
    const run = writeSubtreeData({ nodes: nodeChunks(hashes(100)), source, sink, chunkSize: 10 });
    await expect(run).rejects.toBe(boom);
    const n = parts.length;
    await sleep(20);
    expect(parts.length).toBe(n);
    expect(n).toBeLessThanOrEqual(20);
    expect(concat(parts)).toEqual(expectedBytes(n));
  });

  test("missing txs: MissingTxError counts every missing tx of the chunk, names the first few, nothing after", async () => {
    const gone = new Set([23, 25, 27, 29, 21, 22, 24]);
    const source: TxSource = {
      getTxs: async (hs) => hs.map((h) => (gone.has(indexOf(h)) ? undefined : txOf(indexOf(h)))),
    };
    const { sink, parts } = collectingSink();
    const err = await writeSubtreeData({ nodes: nodeChunks(hashes(100)), source, sink, chunkSize: 10 }).catch((e) => e);
    expect(err).toBeInstanceOf(MissingTxError);
    expect(err.code).toBe("MISSING_TX");
    expect(err.count).toBe(7);
    expect(err.requested).toBe(10);
    expect(err.offset).toBe(20);
    expect(err.hashes).toEqual([21, 22, 23, 24, 25].map((i) => toDisplayHex(hashOf(i))));
    await sleep(10);
    // Chunk 2 (nodes 20..29) and everything after it never reach the sink.
    expect(parts.length).toBeLessThanOrEqual(20);
    expect(parts.map((p) => new DataView(p.buffer).getUint32(0, true)).every((i) => i < 20)).toBe(true);
  });

  test("sink error rejects with it and stops fetching", async () => {
    const boom = new Error("disk full");
    const { source, stats } = countingSource();
    let writes = 0;
    const run = writeSubtreeData({
      nodes: nodeChunks(hashes(1000)),
      source,
      sink: {
        write() {
          if (++writes === 15) throw boom;
        },
      },
      chunkSize: 10,
    });
    await expect(run).rejects.toBe(boom);
    const calls = stats.calls;
    await sleep(10);
    expect(stats.calls).toBe(calls);
    expect(calls).toBeLessThanOrEqual(4);
    expect(writes).toBe(15);
  });

  test("zero txs is EmptySubtreeDataError: no nodes, or only a placeholder without a coinbase", async () => {
    const { source } = countingSource();
    await expect(writeSubtreeData({ nodes: nodeChunks([]), source, sink: { write() {} } })).rejects.toBeInstanceOf(
      EmptySubtreeDataError,
    );
    await expect(
      writeSubtreeData({ nodes: nodeChunks([COINBASE_PLACEHOLDER]), source, sink: { write() {} } }),
    ).rejects.toBeInstanceOf(EmptySubtreeDataError);
  });

  test("bad options are RangeErrors", async () => {
    const { source } = countingSource();
    for (const bad of [{ chunkSize: 0 }, { concurrency: 1.5 }, { window: 0 }]) {
      await expect(
        writeSubtreeData({ nodes: nodeChunks(hashes(3)), source, sink: { write() {} }, ...bad }),
      ).rejects.toBeInstanceOf(RangeError);
    }
  });
});

describe("writeSubtreeData: coinbase placeholder", () => {
  const withPlaceholder = () => [COINBASE_PLACEHOLDER, ...hashes(30).slice(1)];

  test("node 0 placeholder is written as the given coinbase and never requested from the source", async () => {
    const { source, stats } = countingSource();
    const { sink, parts } = collectingSink();
    const coinbase = new Uint8Array([0xc0, 0x1b, 0xa5, 0xe0]);
    const res = await writeSubtreeData({ nodes: nodeChunks(withPlaceholder()), source, sink, chunkSize: 8, coinbase });
    expect(parts[0]).toEqual(coinbase);
    expect(concat(parts.slice(1))).toEqual(concat(Array.from({ length: 29 }, (_, i) => txOf(i + 1))));
    expect(res.txs).toBe(30);
    expect(stats.requests[0]).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  test("node 0 placeholder without a coinbase is skipped", async () => {
    const { source } = countingSource();
    const { sink, parts } = collectingSink();
    const res = await writeSubtreeData({ nodes: nodeChunks(withPlaceholder()), source, sink, chunkSize: 8 });
    expect(res.txs).toBe(29);
    expect(concat(parts)).toEqual(concat(Array.from({ length: 29 }, (_, i) => txOf(i + 1))));
  });

  test("a placeholder anywhere but node 0 is MisplacedCoinbaseError", async () => {
    const nodes = hashes(30);
    nodes[12] = COINBASE_PLACEHOLDER;
    const { source } = countingSource();
    const { sink, parts } = collectingSink();
    const err = await writeSubtreeData({
      nodes: nodeChunks(nodes),
      source,
      sink,
      chunkSize: 8,
      coinbase: new Uint8Array(4),
    }).catch((e) => e);
    expect(err).toBeInstanceOf(MisplacedCoinbaseError);
    expect(err.index).toBe(12);
    expect(parts.length).toBeLessThanOrEqual(8);
  });
});
