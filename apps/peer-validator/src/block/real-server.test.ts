import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { toStandardBytes, txid } from "@subtreekit/subtree-stream";
import { requireVectors, vectorPath } from "@subtreekit/testkit";
import { validateBlock, validateSubtree } from "../index.ts";
import { importWithCli, type RealServer, startRealServer } from "../testing/asset-server.ts";
import { importBlock, syntheticTx } from "../testing/model-import.ts";
import { type TempStores, tempStores } from "../testing/temp-stores.ts";
import { loadVectorDir, splitTxs } from "../testing/vector-peer.ts";

const vectors = requireVectors("peer-validator against our asset server");
const B171 = "0000000023ffe4075b18e77ce7342b90a7deeb92e4b3681551253291c3522824";

describe.skipIf(!vectors)("against our asset server (real app, real stores, port 0)", () => {
  let server: RealServer;
  let files: Map<string, Uint8Array>;
  const temps: TempStores[] = [];
  const stores = async () => {
    const t = await tempStores();
    temps.push(t);
    return t;
  };

  beforeAll(async () => {
    files = loadVectorDir(`${vectors}/171`);
    server = await startRealServer();
    // our importer (issue 7), as an operator runs it: the model block finds its 32 subtree and
    // subtree_data files beside it
    const out = await importWithCli(server, [vectorPath("171", `${B171}.block`)]);
    expect(out).toContain(B171);
  });
  afterAll(async () => {
    await server?.close();
    for (const t of temps) await t.close();
  });

  test("validates the imported 171 block: all 32 subtrees streamed and verified, merkle root, block stored", async () => {
    const st = await stores();
    const before = server.log.length;
    const r = await validateBlock({ hash: B171, peers: [server.api], txStore: st.txStore, blobStore: st.blobStore });
    expect(r.stored).toBe(true);
    expect(r.height).toBe(171);
    expect(r.subtrees.map((s) => s.path)).toEqual(new Array(32).fill("data"));
    expect(await st.txStore.count()).toBe(1023);
    expect(await st.blobStore.exists(Buffer.from(B171, "hex").reverse(), "block")).toBe(true);
    const log = server.log.slice(before);
    expect(log.filter((l) => l.path.includes("/subtree_data/") && l.status === 200)).toHaveLength(32);
    expect(st.files().filter((f) => f.endsWith(".subtree"))).toHaveLength(32);
  });

  test("already-known txs are not fetched again: POST /txs asks only for the missing ones", async () => {
    const hash = "b6b4a947cfe907494ebcb3b704d02dbc10b9e6fb647a3387ab464f3d6cb03139";
    const txs = splitTxs(files.get(`${hash}.subtree_data`)!);
    // the validator already holds 29 of the 32 txs: 3/32 missing is under 20 %, so per-tx POST
    const fresh = await stores();
    const records = txs.slice(3).map((tx) => {
      const standard = toStandardBytes(tx);
      return { hash: txid(tx), standard, size: standard.length };
    });
    await fresh.txStore.putTxs(records);
    const before = server.log.length;
    const r = await validateSubtree({ hash, peers: [server.api], txStore: fresh.txStore, blobStore: fresh.blobStore });
    expect(r.path).toBe("txs");
    expect(r.stored).toBe(3);
    expect(await fresh.txStore.count()).toBe(32);
    const log = server.log.slice(before);
    expect(log.map((l) => `${l.method} ${l.path.replace(/^\/api\/v1/, "")} ${l.txids ?? ""}`.trim())).toEqual([
      `GET /subtree/${hash}`,
      `POST /subtree/${hash}/txs 3`,
    ]);
  });

  test("validates the four mainnet wire blocks imported as legacy blocks (256-leaf subtrees, short last one padded)", async () => {
    const heights: Record<string, number> = {
      "0000000000000000015594853418b4093c4be4ad8b77fec88b5400feb3268fc4": 379389,
      "00000000000000000488eecd93d6f3767b1ba38668200a6a5349af2e0d4fad3f": 384188,
      "000000000000000009631dd3dd7357675d8a1f8925be5e7851c68255531ac5fb": 367495,
      "00000000000000000ad4cd15bbeaf6cb4583c93e13e311f9774194aadea87386": 384189,
    };
    // wire blocks split into 256-leaf subtrees by our importer: 1356 and 564 txs leave a last
    // subtree under half full, which only matches the header with padding
    await importWithCli(
      server,
      Object.keys(heights).map((h) => vectorPath("legacy-blocks", `${h}.bin`)),
      ["--subtree-size", "256"],
    );
    for (const [hash, height] of Object.entries(heights)) {
      const st = await stores();
      const r = await validateBlock({ hash, peers: [server.api], txStore: st.txStore, blobStore: st.blobStore });
      expect(r.stored).toBe(true);
      expect(r.height).toBe(height);
      expect(r.subtrees.length).toBe(Math.ceil(r.txCount / 256));
      expect(await st.txStore.count()).toBe(r.txCount - 1);
    }
  }, 30_000);
});

describe.skipIf(!vectors)("saturation: create cap 1, 16 validators of different unbuilt subtrees", () => {
  test("every validator succeeds, the server answered 503s, none failed", async () => {
    const server = await startRealServer({ asset_concurrency_subtree_data_create: 1 });
    const temps: TempStores[] = [];
    try {
      // one block of 16 subtrees × 2000 txs, stored without .subtreeData: each GET builds on demand
      const txs = Array.from({ length: 16 * 2000 }, () => syntheticTx(250));
      const imported = await importBlock(
        server,
        { header: crypto.getRandomValues(new Uint8Array(80)), txs, height: 5 },
        2000,
      );
      const runs = imported.subtrees.map(async (hash) => {
        const st = await tempStores();
        temps.push(st);
        const r = await validateSubtree({ hash, peers: [server.api], txStore: st.txStore, blobStore: st.blobStore });
        return { r, count: await st.txStore.count() };
      });
      const results = await Promise.all(runs);
      expect(results.map((x) => x.r.path)).toEqual(new Array(16).fill("data"));
      expect(results.reduce((a, x) => a + x.count, 0)).toBe(16 * 2000 - 1);
      const data = server.log.filter((l) => l.path.includes("/subtree_data/"));
      expect(data.filter((l) => l.status === 503).length).toBeGreaterThan(0);
      expect(data.filter((l) => l.status === 200)).toHaveLength(16);
    } finally {
      await server.close();
      for (const t of temps) await t.close();
    }
  }, 60_000);
});
