import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  BLOCK_HEADER_BYTES,
  blockHash,
  bytesEqual,
  fromDisplayHex,
  parseBlockHeader,
  parseModelBlockChain,
  toDisplayHex,
} from "@subtreekit/subtree-stream";
import { type SeedResult, seed } from "../../seed/seed.ts";
import { seedChain } from "../../seed/seed-chain.ts";
import { startTestServer, type TestServer } from "../../testing/server.ts";
import { parseCount } from "../params.ts";

let srv: TestServer;
let chain: SeedResult[];
const hashes = () => chain.map((b) => b.block);

beforeAll(async () => {
  srv = await startTestServer();
  chain = await seedChain({ txStore: srv.txs, blobStore: srv.blobs, blocks: 12, subtrees: 1, txs: 4, txBytes: 250 });
});
afterAll(() => srv.close());

const get = (path: string) => fetch(`${srv.api}${path}`);
const bytes = async (r: Response) => new Uint8Array(await r.arrayBuffer());
const message = async (r: Response) => ((await r.json()) as { message: string }).message;
const single = async (hex: string) => bytes(await get(`/block/${hex}`));
/** Headers body → display hashes, checking each header's prevHash is the one before it. */
function headerHashes(body: Uint8Array): string[] {
  expect(body.length % BLOCK_HEADER_BYTES).toBe(0);
  const out: string[] = [];
  for (let at = 0; at < body.length; at += BLOCK_HEADER_BYTES) {
    const h = body.subarray(at, at + BLOCK_HEADER_BYTES);
    if (at > 0) expect(toDisplayHex(parseBlockHeader(h).prevHash)).toBe(out.at(-1)!);
    out.push(toDisplayHex(blockHash(h)));
  }
  return out;
}

describe("GET /blocks/:hash?n=", () => {
  test("the body is the single-block bodies concatenated, newest first, from :hash back", async () => {
    const tip = hashes()[9]!;
    const res = await get(`/blocks/${tip}?n=4`);
    expect(res.status).toBe(200);
    const body = await bytes(res);
    const expected = await Promise.all(hashes().slice(6, 10).reverse().map(single));
    expect(bytesEqual(body, Buffer.concat(expected))).toBe(true);
    expect(parseModelBlockChain(body).map((b) => toDisplayHex(b.hash))).toEqual(hashes().slice(6, 10).reverse());
  });

  test("stops at the oldest stored block; default n is 100", async () => {
    const body = await bytes(await get(`/blocks/${hashes().at(-1)}`));
    expect(parseModelBlockChain(body).map((b) => toDisplayHex(b.hash))).toEqual([...hashes()].reverse());
  });

  test("n above 1000 is clamped, not refused; bad n is 400 naming it; unknown hash 404", async () => {
    expect((await get(`/blocks/${hashes()[2]}?n=5000`)).status).toBe(200);
    expect(parseCount("5000", "n", 100, 1000)).toBe(1000);
    for (const bad of ["0", "-1", "1.5", "abc", "1e3"]) {
      const res = await get(`/blocks/${hashes()[2]}?n=${bad}`);
      expect(res.status).toBe(400);
      expect(await message(res)).toContain(`invalid n: "${bad}"`);
    }
    const res = await get(`/blocks/${"cd".repeat(32)}?n=3`);
    expect(res.status).toBe(404);
    expect(await message(res)).toContain("not found");
  });
});

describe("GET /headers_from_common_ancestor/:hash", () => {
  test("from the newest locator hash on the chain (inclusive) to :hash, oldest first, chained", async () => {
    const tip = hashes()[11]!;
    // a locator as a peer builds it: its newest hashes first, then older ones, plus one we do not know
    const locator = [hashes()[7]!, "ab".repeat(32), hashes()[4]!, hashes()[0]!].join("");
    const res = await get(`/headers_from_common_ancestor/${tip}?block_locator_hashes=${locator}&n=10000`);
    expect(res.status).toBe(200);
    expect(headerHashes(await bytes(res))).toEqual(hashes().slice(7, 12));
  });

  test("no known locator hash: from the oldest stored block; n keeps the oldest n", async () => {
    const tip = hashes()[11]!;
    const all = headerHashes(
      await bytes(await get(`/headers_from_common_ancestor/${tip}?block_locator_hashes=${"ab".repeat(32)}`)),
    );
    expect(all).toEqual(hashes());
    expect(all.at(-1)).toBe(tip);
    const first = headerHashes(await bytes(await get(`/headers_from_common_ancestor/${tip}?n=3`)));
    expect(first).toEqual(hashes().slice(0, 3));
    // a locator hash off :hash's chain (newer than it) is not on its path
    const off = await get(`/headers_from_common_ancestor/${hashes()[5]}?block_locator_hashes=${hashes()[8]}`);
    expect(headerHashes(await bytes(off))).toEqual(hashes().slice(0, 6));
  });

  test("malformed locator or n → 400 with the reason; unknown :hash → 404", async () => {
    const tip = hashes()[3]!;
    const odd = await get(`/headers_from_common_ancestor/${tip}?block_locator_hashes=${"a".repeat(65)}`);
    expect(odd.status).toBe(400);
    expect(await message(odd)).toContain("length 65 is not a multiple of 64");
    const nonHex = await get(
      `/headers_from_common_ancestor/${tip}?block_locator_hashes=${"a".repeat(70)}zz${"a".repeat(56)}`,
    );
    expect(nonHex.status).toBe(400);
    expect(await message(nonHex)).toContain(`"z" at character 70 is not hex`);
    const badN = await get(`/headers_from_common_ancestor/${tip}?n=zero`);
    expect(badN.status).toBe(400);
    expect(await message(badN)).toContain('invalid n: "zero"');
    expect((await get(`/headers_from_common_ancestor/${"cd".repeat(32)}`)).status).toBe(404);
  });
});

describe("GET /block/:hash/json id and nextblock", () => {
  test("nextblock names the child, null at the tip; a block stored after the last scan is found", async () => {
    const j = async (hex: string) => (await (await get(`/block/${hex}/json`)).json()) as Record<string, unknown>;
    const mid = await j(hashes()[3]!);
    expect(mid.nextblock).toBe(hashes()[4]!);
    expect(mid.id).toBe(mid.height);
    expect((await j(hashes()[11]!)).nextblock).toBeNull();
    // extend the chain by one block after the server scanned: the tip's json finds it (rescan ≤ 1/s)
    await Bun.sleep(1100);
    const next = await seed({
      txStore: srv.txs,
      blobStore: srv.blobs,
      subtrees: 1,
      txs: 4,
      txBytes: 250,
      seed: 5,
      height: 2000,
      prevHash: fromDisplayHex(hashes()[11]!),
    });
    expect((await j(hashes()[11]!)).nextblock).toBe(next.block);
  });
});
