import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openBlobStore, openTxStore } from "@subtreekit/stores";
import { fromDisplayHex, parseModelBlock, toDisplayHex } from "@subtreekit/subtree-stream";
import { seed } from "./seed.ts";
import { seedChain } from "./seed-chain.ts";
import { SeedError } from "./seed-error.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
async function freshStores() {
  const dir = mkdtempSync(join(tmpdir(), "seed-chain-"));
  dirs.push(dir);
  return {
    blobStore: await openBlobStore(`file://${dir}/blobs?fsync=none`),
    txStore: await openTxStore(`sqlite://${dir}/tx.sqlite`),
  };
}

describe("seedChain", () => {
  test("each block's parent is the one before, heights count up, no two blocks share a subtree; block 0 = seed()", async () => {
    const s = await freshStores();
    const chain = await seedChain({ ...s, blocks: 5, subtrees: 2, txs: 8, txBytes: 250, seed: 3, height: 50 });
    expect(chain).toHaveLength(5);
    const blocks = await Promise.all(
      chain.map(async (r) => parseModelBlock((await s.blobStore.get(fromDisplayHex(r.block), "block"))!)),
    );
    for (let i = 1; i < 5; i++) expect(toDisplayHex(blocks[i]!.header.prevHash)).toBe(chain[i - 1]!.block);
    expect(blocks.map((b) => b.height)).toEqual([50, 51, 52, 53, 54]);
    expect(new Set(chain.flatMap((r) => r.subtrees)).size).toBe(10);
    expect(await s.txStore.count()).toBe(5 * 16);
    const other = await freshStores();
    expect(await seed({ ...other, subtrees: 2, txs: 8, txBytes: 250, seed: 3, height: 50 })).toEqual(chain[0]!);
    expect(seedChain({ ...other, blocks: 0, subtrees: 1, txs: 1, txBytes: 250 })).rejects.toBeInstanceOf(SeedError);
    await s.txStore.close();
    await other.txStore.close();
  });
});
