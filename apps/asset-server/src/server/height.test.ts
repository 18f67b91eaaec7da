import { afterEach, describe, expect, test } from "bun:test";
import { toDisplayHex } from "@subtreekit/subtree-stream";
import { type SeededSubtree, seedSubtree } from "../testing/fixtures.ts";
import { startTestServer, type TestServer } from "../testing/server.ts";
import type { TxStorePort } from "./ports.ts";

// A peer validator sharing this blob directory keeps its txs as places in the `.subtreeData` it
// verified. When a height rise prunes that file, the server re-homes those txs in the tx store first.
let srv: TestServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

/** Publishes `s`'s txs as its `.subtreeData` (expiring at `dah`) and stores them as places in it. */
async function storeAsValidator(t: TestServer, s: SeededSubtree, dah: number): Promise<string> {
  await t.blobs.put(s.hash, "subtreeData", s.data, { dah });
  const path = t.blobs.path(s.hash, "subtreeData");
  const offsets = new Float64Array(s.txs.length);
  let off = 8; // the blob's magic
  s.txs.forEach((tx, i) => {
    offsets[i] = off;
    off += tx.length;
  });
  const hashes = new Uint8Array(Buffer.concat(s.txids));
  await t.txs.putTxBatches!([{ path, hashes, offsets, lengths: Uint32Array.from(s.txs, (x) => x.length) }]);
  return path;
}

describe("a height rise prunes expired blobs", () => {
  test("a data file txs are located in is pruned only after they are re-homed: /tx, POST txs and a rebuild still answer", async () => {
    srv = await startTestServer();
    const s = await seedSubtree(srv, 400, { storeTxs: false });
    const path = await storeAsValidator(srv, s, 510);
    srv.asset.height.observe(510);
    await srv.asset.height.idle();
    expect(await Bun.file(path).exists()).toBe(false);

    const one = await fetch(`${srv.api}/tx/${toDisplayHex(s.txids[17]!)}`);
    expect(one.status).toBe(200);
    expect(Buffer.compare(new Uint8Array(await one.arrayBuffer()), s.txs[17]!)).toBe(0);
    const picked = [399, 0, 200];
    const posted = await fetch(`${srv.api}/subtree/${s.hex}/txs`, {
      method: "POST",
      body: Buffer.concat(picked.map((i) => s.txids[i]!)),
    });
    expect(posted.status).toBe(200);
    const want = Buffer.concat(picked.map((i) => s.txs[i]!));
    expect(Buffer.compare(new Uint8Array(await posted.arrayBuffer()), want)).toBe(0);
    // The pruned file is built again on demand, from the re-homed rows.
    const built = await fetch(`${srv.api}/subtree_data/${s.hex}`);
    expect(built.status).toBe(200);
    expect(Buffer.compare(new Uint8Array(await built.arrayBuffer()), s.data)).toBe(0);
  });

  test("a tx store whose release fails (failure-injection fake) keeps the file, and its txs still answer", async () => {
    srv = await startTestServer(
      {},
      {
        wrapTxStore: (real): TxStorePort => ({
          getTx: (h) => real.getTx(h),
          getTxs: (h, signal) => real.getTxs(h, signal),
          close: () => real.close(),
          releaseFile: async () => {
            throw new Error("injected: cannot re-home");
          },
        }),
      },
    );
    const s = await seedSubtree(srv, 50, { storeTxs: false });
    const path = await storeAsValidator(srv, s, 510);
    srv.asset.height.observe(510);
    await srv.asset.height.idle();
    expect(await Bun.file(path).exists()).toBe(true);
    expect(await srv.blobs.getDAH(s.hash, "subtreeData")).toBe(510);
    const one = await fetch(`${srv.api}/tx/${toDisplayHex(s.txids[3]!)}`);
    expect(Buffer.compare(new Uint8Array(await one.arrayBuffer()), s.txs[3]!)).toBe(0);
  });
});
