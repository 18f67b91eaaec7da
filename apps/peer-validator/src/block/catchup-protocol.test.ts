import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type SeedResult, seedChain } from "@subtreekit/asset-server";
import { fromDisplayHex, parseModelBlockChain } from "@subtreekit/subtree-stream";
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
    // the locator names what this validator stores, newest first: the peer starts from there
    const locator = new URLSearchParams(headers[0]!.search).get("block_locator_hashes")!;
    expect(locator.length % 64).toBe(0);
    expect(locator.slice(0, 64 * 10)).toBe(
      chain
        .slice(10, 20)
        .reverse()
        .map((b) => b.block)
        .join(""),
    );
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

  /**
   * Test double: a front over the main server that rewrites the answers of one route, to check
   * what the validator does with a peer that sends wrong catch-up data.
   */
  const tamperingPeer = (route: RegExp, tamper: (body: Uint8Array) => Uint8Array, rewrite = (path: string) => path) => {
    const front = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      async fetch(req) {
        const url = new URL(req.url);
        const res = await fetch(
          `${main.server.api.replace("/api/v1", "")}${route.test(url.pathname) ? rewrite(url.pathname) : url.pathname}${url.search}`,
        );
        if (!route.test(url.pathname) || res.status !== 200) return res;
        return new Response(tamper(new Uint8Array(await res.arrayBuffer())) as Uint8Array<ArrayBuffer>);
      },
    });
    return { api: `http://127.0.0.1:${front.port}/api/v1`, stop: () => front.stop(true) };
  };
  const failWith = async (peer: string, to: string) => {
    const st = await stores();
    const events: ValidatorEvent[] = [];
    const err = await catchup({
      to,
      peers: [peer],
      txStore: st.txStore,
      blobStore: st.blobStore,
      events: (e) => events.push(e),
    }).catch((e) => e);
    expect(await st.txStore.count()).toBe(0);
    return { err, failed: events.find((e) => e.type === "peer-failed") };
  };

  test("test double: /blocks one short, out of order or shifted by one: bad data saying which; nothing stored", async () => {
    const tip = main.chain.at(-1)!.block;
    const short = tamperingPeer(/\/blocks\//, (b) => {
      const blocks = parseModelBlockChain(b);
      return Buffer.concat(blocks.slice(0, -1).map((x) => x.bytes));
    });
    const a = await failWith(short.api, tip);
    expect(a.failed).toMatchObject({ kind: "bad-data" });
    expect(a.failed && "message" in a.failed ? a.failed.message : "").toContain(
      `expected ${BLOCKS} blocks, got ${BLOCKS - 1}`,
    );
    short.stop();
    // the blocks of the chain, but oldest first: they do not chain newest first, so they do not parse
    const reversed = tamperingPeer(/\/blocks\//, (b) =>
      Buffer.concat(
        parseModelBlockChain(b)
          .reverse()
          .map((x) => x.bytes),
      ),
    );
    const r = await failWith(reversed.api, tip);
    expect(r.failed).toMatchObject({ kind: "bad-data" });
    expect(r.failed && "message" in r.failed ? r.failed.message : "").toContain("do not parse");
    reversed.stop();
    // a chained segment of the right length, one block newer than asked for: hash mismatch at index 0
    const to = main.chain[20]!.block;
    const shifted = tamperingPeer(
      /\/blocks\//,
      (b) => b,
      (path) => path.replace(to, main.chain[21]!.block),
    );
    const m = await failWith(shifted.api, to);
    expect(m.failed && "message" in m.failed ? m.failed.message : "").toContain(
      `block hash mismatch at index 0: ${main.chain[1]!.block}, header says ${main.chain[0]!.block}`,
    );
    shifted.stop();
  }, 60_000);

  test("test double: headers that skip one are not chained: bad data naming the index; nothing stored", async () => {
    const gap = tamperingPeer(/\/headers_from_common_ancestor\//, (b) =>
      Buffer.concat([b.subarray(0, 80 * 5), b.subarray(80 * 6)]),
    );
    const g = await failWith(gap.api, main.chain.at(-1)!.block);
    expect(g.failed).toMatchObject({ kind: "bad-data" });
    expect(g.failed && "message" in g.failed ? g.failed.message : "").toContain("header 5 is not the child of");
    gap.stop();
  }, 60_000);
});
