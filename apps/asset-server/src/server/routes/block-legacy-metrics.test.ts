import { afterAll, beforeAll, expect, test } from "bun:test";
import { type SeededBlock, seedBlock } from "../../testing/fixtures.ts";
import { startTestServer, type TestServer } from "../../testing/server.ts";

let srv: TestServer;
let block: SeededBlock;
const UNKNOWN = "cd".repeat(32);

beforeAll(async () => {
  srv = await startTestServer();
  block = await seedBlock(srv, [30, 20]);
});
afterAll(() => srv.close());

/** Sum over all labels of one counter in the `/metrics` text (exact name: `get_block` ≠ `get_block_legacy`). */
async function counter(name: string): Promise<number> {
  const text = await (await fetch(`${srv.url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

/** Runs `request` and returns how much `get_block` and `get_block_legacy` rose. */
async function delta(request: () => Promise<void>): Promise<{ block: number; legacy: number }> {
  const b0 = await counter("teranode_asset_http_get_block");
  const l0 = await counter("teranode_asset_http_get_block_legacy");
  await request();
  return {
    block: (await counter("teranode_asset_http_get_block")) - b0,
    legacy: (await counter("teranode_asset_http_get_block_legacy")) - l0,
  };
}

const fetchAll = (url: string, status: number) => async () => {
  const res = await fetch(url);
  await res.arrayBuffer();
  expect(res.status).toBe(status);
};

test("a legacy block request counts once under get_block_legacy, never under get_block: 200, 404, 400", async () => {
  for (const [path, status] of [
    [`${srv.api}/block_legacy/${block.hex}`, 200],
    [`${srv.url}/rest/block/${block.hex}.bin`, 200],
    [`${srv.api}/block_legacy/${UNKNOWN}`, 404],
    [`${srv.url}/rest/block/${UNKNOWN}.bin`, 404],
    [`${srv.api}/block_legacy/xyz`, 400],
    [`${srv.url}/rest/block/${block.hex}.txt`, 400],
  ] as const) {
    expect({ path, ...(await delta(fetchAll(path, status))) }).toEqual({ path, block: 0, legacy: 1 });
  }
});

test("a legacy request refused with 503 (create cap full) counts once under get_block_legacy", async () => {
  // The 200s above built the subtrees' files (build-then-follow): drop them so a build is needed.
  for (const st of block.subtrees) await srv.blobs.delete(st.hash, "subtreeData");
  const release = srv.asset.testing.holdCreatePermits(srv.asset.testing.createAvailable);
  try {
    expect(await delta(fetchAll(`${srv.api}/block_legacy/${block.hex}`, 503))).toEqual({ block: 0, legacy: 1 });
  } finally {
    release();
  }
});

test("a /block/:hash request counts once under get_block: 200, 404, 400", async () => {
  for (const [path, status] of [
    [`${srv.api}/block/${block.hex}`, 200],
    [`${srv.api}/block/${block.hex}/json`, 200],
    [`${srv.api}/block/${UNKNOWN}/hex`, 404],
    [`${srv.api}/block/xyz`, 400],
  ] as const) {
    expect({ path, ...(await delta(fetchAll(path, status))) }).toEqual({ path, block: 1, legacy: 0 });
  }
});
