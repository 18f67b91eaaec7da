import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TxRecord } from "@subtreekit/stores";
import { openBlobStore, openTxStore } from "@subtreekit/stores";
import {
  blockHash,
  blockMerkleRoot,
  fromDisplayHex,
  isCoinbase,
  isCoinbasePlaceholder,
  merkleRoot,
  parseModelBlock,
  parseSubtree,
  parseTxExact,
  sha256,
  sha256d,
  subtreeRootWithCoinbase,
  toDisplayHex,
  toHex,
  txid,
  varintSize,
} from "@subtreekit/subtree-stream";
import { bip34Height } from "../import/bip34.ts";
import { BATCH_BYTES, BATCH_TXS } from "../tx-batches/bounded-batches.ts";
import { type SeedBlobStore, seed } from "./seed.ts";
import { SeedError } from "./seed-error.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function freshStores() {
  const dir = mkdtempSync(join(tmpdir(), "seed-test-"));
  dirs.push(dir);
  const blobStore = await openBlobStore(`file://${dir}/blobs?fsync=none`);
  const txStore = await openTxStore(`sqlite://${dir}/tx.sqlite`);
  return { dir, blobStore, txStore };
}

describe("seed", () => {
  test("same seed → same hashes in fresh stores; another seed → other hashes; re-seeding is idempotent", async () => {
    const a = await freshStores();
    const b = await freshStores();
    const opts = { subtrees: 3, txs: 64, txBytes: 300, seed: 42 };
    const ra = await seed({ ...a, ...opts });
    const rb = await seed({ ...b, ...opts });
    expect(rb).toEqual(ra);
    expect(ra.subtrees).toHaveLength(3);
    expect(new Set(ra.subtrees).size).toBe(3);
    const rc = await seed({ ...b, ...opts, seed: 43 });
    expect(rc.block).not.toBe(ra.block);
    expect(rc.subtrees.some((s) => ra.subtrees.includes(s))).toBe(false);
    const again = await seed({ ...a, ...opts });
    expect(again).toEqual(ra);
    expect(await a.txStore.count()).toBe(3 * 64); // 191 txs + the coinbase, stored once
    await a.txStore.close();
    await b.txStore.close();
  });

  test("subtree roots, block merkle root, coinbase height, sizes and txids all check", async () => {
    const s = await freshStores();
    const r = await seed({ ...s, subtrees: 4, txs: 100, txBytes: 500, seed: 7, height: 300_000 });
    const blockBytes = (await s.blobStore.get(fromDisplayHex(r.block), "block")) as Uint8Array;
    const block = parseModelBlock(blockBytes);
    expect(toDisplayHex(blockHash(block.header))).toBe(r.block);
    expect(block.height).toBe(300_000);
    expect(bip34Height(block.coinbaseTx)).toBe(300_000);
    expect(isCoinbase(block.coinbaseTx)).toBe(true);
    expect(block.txCount).toBe(400);
    expect(block.subtrees.map(toDisplayHex)).toEqual(r.subtrees);

    const roots: Uint8Array[] = [];
    let size = 0;
    for (const [i, hex] of r.subtrees.entries()) {
      const st = parseSubtree((await s.blobStore.get(fromDisplayHex(hex), "subtree")) as Uint8Array);
      const hashes = st.nodes.map((n) => n.hash);
      expect(toDisplayHex(merkleRoot(hashes))).toBe(hex);
      expect(toDisplayHex(st.storedRoot)).toBe(hex);
      expect(isCoinbasePlaceholder(hashes[0] as Uint8Array)).toBe(i === 0);
      roots.push(i === 0 ? subtreeRootWithCoinbase(hashes, txid(block.coinbaseTx)) : st.storedRoot);
      const real = hashes.filter((h) => !isCoinbasePlaceholder(h));
      const stored = await s.txStore.getTxs(real);
      stored.forEach((tx, k) => {
        expect(tx).toBeDefined();
        const parsed = parseTxExact(tx as Uint8Array);
        expect(parsed.extended).toBe(false);
        expect(toDisplayHex(sha256d(tx as Uint8Array))).toBe(toDisplayHex(real[k] as Uint8Array));
        expect(parsed.size).toBe(500);
      });
      size += st.sizeInBytes;
    }
    expect(toDisplayHex(blockMerkleRoot(roots, { subtreeLeaves: [100, 100, 100, 100] }))).toBe(
      toDisplayHex(block.header.merkleRoot),
    );
    expect(block.sizeInBytes).toBe(80 + varintSize(400) + block.coinbaseTx.length + size);
    await s.txStore.close();
  });

  test("tx sizes follow --tx-bytes from small to large", async () => {
    const s = await freshStores();
    for (const txBytes of [100, 250, 2000, 70_000]) {
      const r = await seed({ ...s, subtrees: 1, txs: 3, txBytes, seed: txBytes });
      const st = parseSubtree(
        (await s.blobStore.get(fromDisplayHex(r.subtrees[0] as string), "subtree")) as Uint8Array,
      );
      for (const n of st.nodes.slice(1)) expect(n.size).toBe(Math.max(txBytes, 204));
    }
    await s.txStore.close();
  });

  test("bad options are a SeedError before anything is stored", async () => {
    const s = await freshStores();
    expect(seed({ ...s, subtrees: 0, txs: 10, txBytes: 250 })).rejects.toBeInstanceOf(SeedError);
    expect(seed({ ...s, subtrees: 1, txs: 1.5, txBytes: 250 })).rejects.toThrow(/txs must be an integer/);
    expect(await s.txStore.count()).toBe(0);
    await s.txStore.close();
  });

  test("abort stops between subtrees", async () => {
    const s = await freshStores();
    const ac = new AbortController();
    const p = seed({
      ...s,
      subtrees: 10,
      txs: 50,
      txBytes: 250,
      signal: ac.signal,
      onProgress: (x) => {
        if (x.subtreesDone === 2) ac.abort(new Error("stop"));
      },
    });
    expect(p).rejects.toThrow("stop");
    await p.catch(() => {});
    expect(await s.txStore.count()).toBe(100);
    await s.txStore.close();
  });

  test("byte-identical to the whole-subtree implementation: fixed digests of 2 × 10 000 txs, seed 9", async () => {
    // Digests taken from the implementation that built each subtree in memory before batching.
    const s = await freshStores();
    const r = await seed({ ...s, subtrees: 2, txs: 10_000, txBytes: 250, seed: 9 });
    expect(r.block).toBe("22775cb564a18cf349fdffb13c89fac7a5d04278a5c792f523cefcbeb45ff1c6");
    const digest = (b: Uint8Array) => toHex(sha256(b));
    const blockBytes = (await s.blobStore.get(fromDisplayHex(r.block), "block")) as Uint8Array;
    expect(digest(blockBytes)).toBe("cf7fc596d25e03fd93f01969f50662557cf7fc7ddddf7d439cdfe05bd4f20cfa");
    const expected = [
      [
        "65794be15ca00647bc8bc6fc2f2944e30d1fd67851bd0ac94ce0bf618df0209b",
        "d3efd54a8cdeec4e32cb654a6c32e184cf7e7d48a524650be57c7e7fcbde374a",
        "7529f96d8cb9f09018fbbb38df110b350787a70aae829ce14938cae7ad9e1152",
      ],
      [
        "a37b0457452e8c606a6244e873f2998d09f142bf9126743dcb8230fb2c0c1c5d",
        "301987db5ac6a1e55909de1cb5afd6a449c5d8224c8b6157d10d1acb6e499df4",
        "cd93a787cff0ecec0f935aa375001bfe80984bbe5269ef0a11dd448fdcd5a6d5",
      ],
    ];
    for (const [i, hex] of r.subtrees.entries()) {
      const [name, file, txs] = expected[i] as string[];
      expect(hex).toBe(name as string);
      const bytes = (await s.blobStore.get(fromDisplayHex(hex), "subtree")) as Uint8Array;
      expect(digest(bytes)).toBe(file as string);
      const ids = parseSubtree(bytes)
        .nodes.map((n) => n.hash)
        .filter((h) => !isCoinbasePlaceholder(h));
      const stored = (await s.txStore.getTxs(ids)) as Uint8Array[];
      expect(digest(Buffer.concat(stored))).toBe(txs as string);
    }
    expect(await s.txStore.count()).toBe(20_000);
    await s.txStore.close();
  }, 30_000);

  for (const batches of [true, false]) {
    test(`fake counting tx store (${batches ? "putTxBatches" : "putTxs only"}): a 50 000-tx subtree arrives in batches within the bound`, async () => {
      const s = await freshStores();
      let largest = 0;
      let largestBytes = 0;
      let txs = 0;
      let calls = 0;
      const count = (records: readonly TxRecord[]) => {
        largest = Math.max(largest, records.length);
        largestBytes = Math.max(
          largestBytes,
          records.reduce((a, r) => a + r.standard.length, 0),
        );
        txs += records.length;
      };
      const fake = batches
        ? {
            putTxs: async () => {
              throw new Error("seed should use putTxBatches when the store has it");
            },
            putTxBatches: async (all: Iterable<readonly TxRecord[]>) => {
              calls++;
              for (const b of all) count(b);
            },
          }
        : {
            putTxs: async (b: readonly TxRecord[]) => {
              calls++;
              count(b);
            },
          };
      const r = await seed({ txStore: fake, blobStore: s.blobStore, subtrees: 2, txs: 50_000, txBytes: 250 });
      expect(txs).toBe(100_000);
      expect(largest).toBeLessThanOrEqual(BATCH_TXS);
      expect(largestBytes).toBeLessThanOrEqual(BATCH_BYTES);
      // One transaction per subtree when the store can take lazy batches.
      expect(calls).toBe(batches ? 2 : Math.ceil(50_000 / BATCH_TXS) * 2);
      const st = parseSubtree(
        (await s.blobStore.get(fromDisplayHex(r.subtrees[1] as string), "subtree")) as Uint8Array,
      );
      expect(st.nodes).toHaveLength(50_000);
      await s.txStore.close();
    }, 30_000);
  }

  test("a subtree file that fails part-way publishes nothing of that subtree and no block; its txs stay", async () => {
    const s = await freshStores();
    let writers = 0;
    const failing: SeedBlobStore = {
      exists: (h, t, o) => s.blobStore.exists(h, t, o),
      put: (h, t, b, o) => s.blobStore.put(h, t, b, o),
      createWriter: async (h, t, o) => {
        const sink = await s.blobStore.createWriter(h, t, o);
        if (++writers < 2) return sink;
        let pieces = 0;
        return {
          write: (b) => {
            if (++pieces === 2) throw new Error("disk full");
            return sink.write(b);
          },
          commit: () => sink.commit(),
          abort: (e) => sink.abort(e),
        };
      },
    };
    const opts = { subtrees: 3, txs: 20_000, txBytes: 250, seed: 3 };
    await expect(seed({ ...s, blobStore: failing, ...opts })).rejects.toThrow("disk full");
    const whole = await seed({ ...(await freshStores()), ...opts });
    const [first, second] = whole.subtrees.map((h) => fromDisplayHex(h));
    expect(await s.blobStore.exists(first as Uint8Array, "subtree")).toBe(true);
    expect(await s.blobStore.exists(second as Uint8Array, "subtree")).toBe(false);
    expect(await s.blobStore.exists(fromDisplayHex(whole.block), "block")).toBe(false);
    expect(await s.blobStore.sweepTempFiles()).toBe(0); // the aborted writer removed its temp file
    expect(await s.txStore.count()).toBe(40_000);
    // Seeding again completes the block, the same one.
    expect(await seed({ ...s, ...opts })).toEqual(whole);
    await s.txStore.close();
  }, 30_000);
});
