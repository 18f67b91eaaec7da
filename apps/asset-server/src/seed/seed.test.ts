import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
  sha256d,
  subtreeRootWithCoinbase,
  toDisplayHex,
  txid,
  varintSize,
} from "@subtreekit/subtree-stream";
import { bip34Height } from "../import/bip34.ts";
import { seed } from "./seed.ts";
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
});
