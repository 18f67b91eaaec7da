import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type SeedResult, seedChain } from "@subtreekit/asset-server";
import { fromDisplayHex } from "@subtreekit/subtree-stream";
import { catchup, type ValidatorEvent } from "../index.ts";
import { type RealServer, startRealServer } from "../testing/asset-server.ts";
import { type TempStores, tempStores } from "../testing/temp-stores.ts";

const BLOCKS = 30;
const SUBTREES = 2;
const TXS = 16;

/** `teranode_asset_http_<route>{function="OK",operation="200"}` from the server's own /metrics (0 when absent). */
async function answered(server: RealServer, route: string): Promise<number> {
  const line = (await server.metrics())
    .split("\n")
    .find((l) => l.startsWith(`teranode_asset_http_${route}{`) && l.includes('operation="200"'));
  return line ? Number(line.split(" ").at(-1)) : 0;
}

describe("catchup with the Teranode catch-up protocol", () => {
  const servers: RealServer[] = [];
  const temps: TempStores[] = [];
  const stores = async () => {
    const t = await tempStores();
    temps.push(t);
    return t;
  };
  /** A server holding the same 30-block seeded chain; `notFound` makes it a test double without some routes. */
  const serve = async (notFound?: RegExp): Promise<{ server: RealServer; chain: SeedResult[] }> => {
    const server = await startRealServer({}, { notFound });
    servers.push(server);
    const chain = await seedChain({
      txStore: server.txs,
      blobStore: server.blobs,
      blocks: BLOCKS,
      subtrees: SUBTREES,
      txs: TXS,
      txBytes: 250,
      seed: 18,
    });
    return { server, chain };
  };
  const run = async (server: RealServer, st: TempStores, to: string) => {
    const events: ValidatorEvent[] = [];
    const r = await catchup({
      to,
      peers: [server.api],
      txStore: st.txStore,
      blobStore: st.blobStore,
      events: (e) => events.push(e),
    });
    return { r, events, done: events.flatMap((e) => (e.type === "block-done" ? [e.block] : [])) };
  };
  let main: { server: RealServer; chain: SeedResult[] };
  beforeAll(async () => {
    main = await serve();
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    for (const t of temps) await t.close();
  });

  test("a 30-block chain into an empty store: one headers request, ⌈30/100⌉ /blocks request, no /block walk", async () => {
    const { server, chain } = main;
    const st = await stores();
    const { r, done, events } = await run(server, st, chain.at(-1)!.block);
    expect(r.protocol).toBe("headers");
    expect(r.stoppedAt).toBe("peer-start");
    expect(done).toEqual(chain.map((b) => b.block));
    for (const b of chain) expect(await st.blobStore.exists(fromDisplayHex(b.block), "block")).toBe(true);
    expect(await st.txStore.count()).toBe(BLOCKS * (SUBTREES * TXS - 1));
    expect(events.some((e) => e.type === "catchup-fallback")).toBe(false);
    // counted by the server itself
    expect(await answered(server, "get_block_headers_from_common_ancestor")).toBe(1);
    expect(await answered(server, "get_blocks")).toBe(Math.ceil(BLOCKS / 100));
    expect(await answered(server, "get_block")).toBe(0);
  }, 60_000);

  test("a validator 10 blocks behind sends a locator of what it stores and fetches only the 10 new blocks", async () => {
    const { server, chain } = main;
    const st = await stores();
    await run(server, st, chain[19]!.block);
    const before = server.log.length;
    const { r, done } = await run(server, st, chain.at(-1)!.block);
    expect(r.stoppedAt).toBe("stored");
    expect(done).toEqual(chain.slice(20).map((b) => b.block));
    const headers = server.log.slice(before).filter((q) => q.path.includes("/headers_from_common_ancestor/"));
    expect(headers).toHaveLength(1);
    const blocks = server.log.slice(before).filter((q) => q.path.includes("/blocks/"));
    expect(blocks.map((q) => q.path)).toEqual([`/api/v1/blocks/${chain.at(-1)!.block}`]);
  }, 60_000);

  test("test double: a server that 404s both catch-up routes is walked /block/:hash by /block/:hash, with a note", async () => {
    const { server, chain } = await serve(/^\/(headers_from_common_ancestor|blocks)\//);
    const st = await stores();
    const { r, done, events } = await run(server, st, chain.at(-1)!.block);
    expect(r.protocol).toBe("walk");
    expect(done).toEqual(chain.map((b) => b.block));
    const note = events.find((e) => e.type === "catchup-fallback");
    expect(note).toMatchObject({ route: "headers_from_common_ancestor" });
    // one per block, plus the 404 for the first block's parent that ends the walk
    expect(server.log.filter((q) => q.path.startsWith("/api/v1/block/")).length).toBe(BLOCKS + 1);
  }, 60_000);

  test("test double: a server that 404s only /blocks gets the headers request, then /block/:hash per block", async () => {
    const { server, chain } = await serve(/^\/blocks\//);
    const st = await stores();
    const { r, done, events } = await run(server, st, chain.at(-1)!.block);
    expect(r.protocol).toBe("headers");
    expect(done).toEqual(chain.map((b) => b.block));
    expect(events.filter((e) => e.type === "catchup-fallback")).toMatchObject([{ route: "blocks" }]);
    expect(await answered(server, "get_block_headers_from_common_ancestor")).toBe(1);
    expect(await answered(server, "get_block")).toBe(BLOCKS);
  }, 60_000);
});
