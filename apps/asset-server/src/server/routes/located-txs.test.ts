import { afterAll, beforeAll, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { toDisplayHex } from "@subtreekit/subtree-stream";
import { type SeededSubtree, seedSubtree } from "../../testing/fixtures.ts";
import { startTestServer, type TestServer } from "../../testing/server.ts";

// Issue 17: a peer validator stores a streamed subtree's txs as their places in the verified
// .subtreeData it keeps. Served from such a store, every route that reads txs must still answer.
let srv: TestServer;
let a: SeededSubtree;
let b: SeededSubtree;
let fileOfB: string;

/** The txs of `s` as places in a data file of their own (an 8-byte head, then the txs back to back). */
async function storeLocated(s: SeededSubtree, path: string): Promise<void> {
  writeFileSync(path, Buffer.concat([new TextEncoder().encode("SD-1.0  "), ...s.txs]));
  const offsets = new Float64Array(s.txs.length);
  let offset = 8;
  s.txs.forEach((tx, i) => {
    offsets[i] = offset;
    offset += tx.length;
  });
  const hashes = new Uint8Array(Buffer.concat(s.txids));
  await srv.txs.putTxBatches!([{ path, hashes, offsets, lengths: Uint32Array.from(s.txs, (t) => t.length) }]);
}

beforeAll(async () => {
  srv = await startTestServer({ asset_subtreeDataStreamingChunkSize: 100 });
  a = await seedSubtree({ blobs: srv.blobs, txs: srv.txs }, 700, { storeTxs: false });
  b = await seedSubtree({ blobs: srv.blobs, txs: srv.txs }, 300, { storeTxs: false });
  // Kept outside the blob store, as another subtree's verified file would be.
  await storeLocated(a, join(srv.dir, "a.subtreeData"));
  fileOfB = join(srv.dir, "b.subtreeData");
  await storeLocated(b, fileOfB);
});
afterAll(async () => {
  await srv.close();
});

test("/tx/:hash, POST /subtree/:hash/txs and an on-demand subtree_data build read located txs byte for byte", async () => {
  const one = await fetch(`${srv.api}/tx/${toDisplayHex(a.txids[5]!)}`);
  expect(one.status).toBe(200);
  expect(Buffer.compare(new Uint8Array(await one.arrayBuffer()), a.txs[5]!)).toBe(0);

  const picked = [3, 650, 4, 0];
  const posted = await fetch(`${srv.api}/subtree/${a.hex}/txs`, {
    method: "POST",
    body: Buffer.concat(picked.map((i) => a.txids[i]!)),
  });
  expect(posted.status).toBe(200);
  expect(Buffer.compare(new Uint8Array(await posted.arrayBuffer()), Buffer.concat(picked.map((i) => a.txs[i]!)))).toBe(
    0,
  );

  const built = await fetch(`${srv.api}/subtree_data/${a.hex}`);
  expect(built.status).toBe(200);
  expect(Buffer.compare(new Uint8Array(await built.arrayBuffer()), a.data)).toBe(0);
});

test("a located tx whose file is gone is a 500 naming the file, never a 200 with other bytes or a silent 404", async () => {
  rmSync(fileOfB);
  const one = await fetch(`${srv.api}/tx/${toDisplayHex(b.txids[0]!)}`);
  expect(one.status).toBe(500);
  expect(await one.text()).toContain(fileOfB);
  const built = await fetch(`${srv.api}/subtree_data/${b.hex}`);
  // Before its first byte, the build's failure is the response; never a complete-looking 200.
  if (built.status === 200) await expect(built.arrayBuffer()).rejects.toThrow();
  else expect(built.status).toBe(500);
  expect(srv.asset.testing.createInUse).toBe(0);
});
