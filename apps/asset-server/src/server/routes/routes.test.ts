import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sha256d, toDisplayHex, toHex } from "@subtreekit/subtree-stream";
import {
  randomTx,
  type SeededBlock,
  type SeededSubtree,
  seedBlock,
  seedSubtree,
  toExtended,
} from "../../testing/fixtures.ts";
import { startTestServer, type TestServer } from "../../testing/server.ts";
import { waitFor } from "../../testing/wait.ts";

let srv: TestServer;
let st: SeededSubtree;
let block: SeededBlock;
let storeCalls = 0;
const UNKNOWN = "cd".repeat(32);
const BAD = ["xyz", "g".repeat(64), "a".repeat(63)];

beforeAll(async () => {
  srv = await startTestServer({ asset_max_batch_txs: 8, asset_subtreeDataStreamingChunkSize: 100 });
  st = await seedSubtree(srv, 250);
  block = await seedBlock(srv, [300, 120]);
  // Count every store access from here on, to prove bad input never reaches a store.
  const count = (o: object, names: string[]) => {
    for (const n of names) {
      const rec = o as Record<string, (...a: unknown[]) => unknown>;
      const real = rec[n]!.bind(o);
      rec[n] = (...a: unknown[]) => {
        storeCalls++;
        return real(...a);
      };
    }
  };
  count(srv.blobs, ["exists", "get"]);
  count(srv.txs, ["getTxs", "getTx"]);
});
afterAll(() => srv.close());

const get = (path: string, init?: RequestInit) => fetch(`${srv.api}${path}`, init);
const bytes = async (r: Response) => new Uint8Array(await r.arrayBuffer());
const message = async (r: Response) => ((await r.json()) as { message: string }).message;

describe("bad input → 400/413 with no store access", () => {
  test("every hash route rejects malformed hashes", async () => {
    const before = storeCalls;
    const routes = ["/subtree/", "/subtree_data/", "/tx/", "/block/", "/block_legacy/"];
    for (const r of routes) {
      for (const bad of BAD) {
        const res = await get(`${r}${bad}`);
        expect(res.status).toBe(400);
        expect(res.headers.get("content-type")).toContain("application/json");
        expect(await message(res)).toContain("64 hex");
      }
    }
    expect((await fetch(`${srv.url}/rest/block/${BAD[1]}.bin`)).status).toBe(400);
    expect((await get(`/subtree/${BAD[0]}/txs`, { method: "POST", body: new Uint8Array(32) })).status).toBe(400);
    expect(storeCalls).toBe(before);
  });

  test("POST body: empty → 400, not n×32 → 400, above asset_max_batch_txs → 413", async () => {
    const before = storeCalls;
    const post = (body: Uint8Array) =>
      get(`/subtree/${st.hex}/txs`, { method: "POST", body: body as Uint8Array<ArrayBuffer> });
    expect((await post(new Uint8Array(0))).status).toBe(400);
    const odd = await post(new Uint8Array(33));
    expect(odd.status).toBe(400);
    expect(await message(odd)).toContain("multiple of 32");
    const big = await post(new Uint8Array(32 * 9));
    expect(big.status).toBe(413);
    expect(storeCalls).toBe(before);
  });

  test("bad pagination → 400", async () => {
    expect((await get(`/subtree/${st.hex}/json?limit=101`)).status).toBe(400);
    expect((await get(`/subtree/${st.hex}/json?offset=-1`)).status).toBe(400);
    expect((await get(`/subtree/${st.hex}/json?offset=abc`)).status).toBe(400);
  });
});

describe("/subtree/:hash", () => {
  test("binary: n×32 node hashes in internal order; hex: same bytes as hex", async () => {
    const res = await get(`/subtree/${st.hex}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    expect(Buffer.compare(await bytes(res), Buffer.concat(st.txids))).toBe(0);
    const hex = await get(`/subtree/${st.hex}/hex`);
    expect(hex.headers.get("content-type")).toContain("text/plain");
    expect(await hex.text()).toBe(toHex(Buffer.concat(st.txids)));
  });

  test("json: one page with pagination; ConflictingNodes only when the page covers the whole subtree", async () => {
    const page = (await (await get(`/subtree/${st.hex}/json?offset=10&limit=5`)).json()) as {
      data: { Nodes: { txid: string }[]; ConflictingNodes?: string[] };
      pagination: { totalRecords: number };
    };
    expect(page.data.Nodes.map((n) => n.txid)).toEqual(st.txids.slice(10, 15).map(toDisplayHex));
    expect(page.pagination).toEqual({ offset: 10, limit: 5, totalRecords: 250 } as never);
    expect(page.data.ConflictingNodes).toBeUndefined();
  });

  test("unknown → 404 JSON", async () => {
    for (const p of [`/subtree/${UNKNOWN}`, `/subtree/${UNKNOWN}/hex`, `/subtree/${UNKNOWN}/json`]) {
      const res = await get(p);
      expect(res.status).toBe(404);
      expect(await message(res)).toContain("not found");
    }
  });
});

describe("POST /subtree/:hash/txs", () => {
  test("returns the requested txs concatenated", async () => {
    const ids = [st.txids[3]!, st.txids[0]!, st.txids[7]!];
    const res = await get(`/subtree/${st.hex}/txs`, { method: "POST", body: Buffer.concat(ids) });
    expect(res.status).toBe(200);
    const [a, b, c] = (await srv.txs.getTxs(ids)) as Uint8Array[];
    expect(Buffer.compare(await bytes(res), Buffer.concat([a!, b!, c!]))).toBe(0);
  });

  test("any unknown txid → 404; unknown subtree → 404", async () => {
    const body = Buffer.concat([st.txids[0]!, sha256d(randomTx())]);
    expect((await get(`/subtree/${st.hex}/txs`, { method: "POST", body })).status).toBe(404);
    expect(
      (await get(`/subtree/${UNKNOWN}/txs`, { method: "POST", body: st.txids[0]! as Uint8Array<ArrayBuffer> })).status,
    ).toBe(404);
  });
});

describe("/tx/:hash", () => {
  test("standard bytes, hex and json; extended form preferred when stored", async () => {
    const [std] = (await srv.txs.getTxs([st.txids[0]!])) as Uint8Array[];
    const res = await get(`/tx/${toDisplayHex(st.txids[0]!)}`);
    expect(res.status).toBe(200);
    expect(Buffer.compare(await bytes(res), std!)).toBe(0);
    expect(await (await get(`/tx/${toDisplayHex(st.txids[0]!)}/hex`)).text()).toBe(toHex(std!));
    const json = (await (await get(`/tx/${toDisplayHex(st.txids[0]!)}/json`)).json()) as Record<string, unknown>;
    expect(json.txid).toBe(toDisplayHex(st.txids[0]!));
    expect((json.inputs as unknown[]).length).toBe(1);
    expect((json.outputs as { satoshis: number }[])[0]!.satoshis).toBe(10_000);

    // An EF tx: version | 0000000000EF | inputs with prev satoshis + script | outputs | locktime.
    const tx = randomTx(120);
    const ef = toExtended(tx);
    const id = sha256d(tx);
    await srv.txs.putTxs([{ hash: id, standard: tx, extended: ef, size: tx.length }]);
    expect(Buffer.compare(await bytes(await get(`/tx/${toDisplayHex(id)}`)), ef)).toBe(0);
    const efJson = (await (await get(`/tx/${toDisplayHex(id)}/json`)).json()) as {
      inputs: { previousTxSatoshis: number }[];
    };
    expect(efJson.inputs[0]!.previousTxSatoshis).toBe(1);
  });

  test("unknown → 404", async () => {
    expect((await get(`/tx/${UNKNOWN}`)).status).toBe(404);
  });
});

describe("/block/:hash", () => {
  test("model bytes, hex, json, subtrees/json", async () => {
    expect(Buffer.compare(await bytes(await get(`/block/${block.hex}`)), block.model)).toBe(0);
    expect(await (await get(`/block/${block.hex}/hex`)).text()).toBe(toHex(block.model));
    const json = (await (await get(`/block/${block.hex}/json`)).json()) as Record<string, unknown>;
    expect(json.transaction_count).toBe(421);
    expect(json.height).toBe(1000);
    expect(json.subtrees).toEqual(block.subtrees.map((s) => s.hex));
    const subs = (await (await get(`/block/${block.hex}/subtrees/json`)).json()) as {
      data: { txCount: number; hash: string; index: number }[];
    };
    expect(subs.data.map((d) => [d.index, d.hash, d.txCount])).toEqual([
      [0, block.subtrees[0]!.hex, 301],
      [1, block.subtrees[1]!.hex, 120],
    ]);
  });

  test("unknown → 404", async () => {
    for (const p of [`/block/${UNKNOWN}`, `/block/${UNKNOWN}/json`, `/block_legacy/${UNKNOWN}`]) {
      expect((await get(p)).status).toBe(404);
    }
    expect((await fetch(`${srv.url}/rest/block/${UNKNOWN}.bin`)).status).toBe(404);
  });
});

describe("legacy block", () => {
  const dropDataFiles = async () => {
    for (const st of block.subtrees) await srv.blobs.delete(st.hash, "subtreeData");
  };

  test("built through the ordered writer: byte-for-byte wire block, with and without the prefix", async () => {
    await dropDataFiles();
    const wire = await bytes(await get(`/block_legacy/${block.hex}?wire=1`));
    // Build-then-follow: each subtree was built to its subtree_data file, then read from it.
    for (const st of block.subtrees) expect(await srv.blobs.exists(st.hash, "subtreeData")).toBe(true);
    expect(Buffer.compare(wire, block.wire)).toBe(0);
    const prefixed = await bytes(await get(`/block_legacy/${block.hex}`));
    expect(Buffer.compare(prefixed, Buffer.concat([block.prefix, block.wire]))).toBe(0);
    const rest = await bytes(await fetch(`${srv.url}/rest/block/${block.hex}.bin`));
    expect(Buffer.compare(rest, prefixed)).toBe(0);
    expect(srv.asset.testing.createInUse).toBe(0);
  });

  test("from data files: a coinbase at the start of subtree 0's file is skipped, EF txs are made standard", async () => {
    const s0 = block.subtrees[0]!;
    await dropDataFiles();
    const file = Buffer.concat([
      block.coinbase,
      toExtended(s0.txs[0]!),
      ...s0.txs.slice(1, 50),
      toExtended(s0.txs[50]!),
      ...s0.txs.slice(51),
    ]);
    await srv.blobs.put(s0.hash, "subtreeData", file);
    const wire = await bytes(await get(`/block_legacy/${block.hex}?wire=1`));
    expect(Buffer.compare(wire, block.wire)).toBe(0);
  });

  test("a client that reads nothing holds no create permit: the builds finish their files without it", async () => {
    await dropDataFiles();
    const res = await get(`/block_legacy/${block.hex}?wire=1`);
    expect(res.status).toBe(200);
    // Subtree 0's build was admitted before the status line; it completes at the tx store's pace.
    await waitFor(() => srv.asset.testing.createInUse === 0, 5000, "create permit released");
    expect(await srv.blobs.exists(block.subtrees[0]!.hash, "subtreeData")).toBe(true);
    const wire = await bytes(res);
    expect(Buffer.compare(wire, block.wire)).toBe(0);
  });

  test("a client that leaves before a subtree's build is reached leaves no permit and no claim behind", async () => {
    // Subtree 0 is a file larger than the socket buffers; subtree 1's build is admitted (started)
    // before the status line, and the client leaves while subtree 0 is still streaming.
    const big = await seedBlock(srv, [60_000, 50]);
    await srv.blobs.put(big.subtrees[0]!.hash, "subtreeData", big.subtrees[0]!.data);
    const ac = new AbortController();
    const res = await fetch(`${srv.api}/block_legacy/${big.hex}?wire=1`, { signal: ac.signal });
    expect(res.status).toBe(200);
    ac.abort();
    await res.body?.cancel().catch(() => {});
    await waitFor(
      () => srv.asset.testing.createInUse === 0 && srv.asset.testing.buildsInFlight === 0,
      5000,
      "permit and claim released",
    );
    // The subtree is free to build again.
    const again = await get(`/subtree_data/${big.subtrees[1]!.hex}`);
    expect(again.status).toBe(200);
    expect(Buffer.compare(await bytes(again), big.subtrees[1]!.data)).toBe(0);
    // Seeding 60 000 txs alone can take most of bun's default 5 s on a loaded machine.
  }, 30_000);

  test("create cap full and a subtree without data → 503 + Retry-After", async () => {
    await dropDataFiles();
    const release = srv.asset.testing.holdCreatePermits(srv.asset.testing.createAvailable);
    try {
      const res = await get(`/block_legacy/${block.hex}?wire=1`);
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("1");
    } finally {
      release();
    }
  });
});

describe("/health and /metrics", () => {
  test("health is live and ready; metrics carry the reference names and the gauges", async () => {
    const h = await fetch(`${srv.url}/health`);
    expect(h.status).toBe(200);
    expect(((await h.json()) as { ready: boolean }).ready).toBe(true);
    expect((await get("/health")).status).toBe(200);
    const m = await (await fetch(`${srv.url}/metrics`)).text();
    for (const name of [
      "teranode_asset_http_get_subtree_data",
      "teranode_asset_repository_subtree_data_created_total",
      "subtreekit_asset_create_permits_in_use",
      "subtreekit_asset_create_permits_waiting",
      "subtreekit_asset_reader_permits_in_use",
      "subtreekit_asset_reader_permits_waiting",
      "subtreekit_asset_builds_in_flight",
      "subtreekit_asset_followers",
      "subtreekit_asset_bytes_streamed_total",
      "subtreekit_event_loop_stalls_total",
      "subtreekit_event_loop_max_late_seconds",
    ]) {
      expect(m).toContain(name);
    }
  });

  test("a stalled event loop shows in /metrics (the server runs in this process: the test holds its loop)", async () => {
    const stalls = (text: string) => Number(/^subtreekit_event_loop_stalls_total (\S+)$/m.exec(text)?.[1]);
    const before = stalls(await (await fetch(`${srv.url}/metrics`)).text());
    const end = performance.now() + 500; // as a synchronous fsync of a build did
    while (performance.now() < end) {
      // spin
    }
    await Bun.sleep(250);
    const m = await (await fetch(`${srv.url}/metrics`)).text();
    expect(stalls(m)).toBeGreaterThanOrEqual(before + 1);
    expect(Number(/^subtreekit_event_loop_max_late_seconds (\S+)$/m.exec(m)?.[1])).toBeGreaterThanOrEqual(0.25);
  });
});
