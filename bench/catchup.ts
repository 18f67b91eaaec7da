// Benchmark: catch-up throughput (blocks/s) of the peer validator for a 30-block chain served by
// our asset server, with the Teranode catch-up protocol (one /headers_from_common_ancestor request,
// then /blocks in chunks of 100) against the old walk (one /block/:hash per block, back through
// parents), which is what the validator still does for a peer without the catch-up routes.
//
// The server runs in its own process over a seeded chain (`seedChain`: 30 blocks, each
// `subtrees` × `txs` txs of 250 bytes). The same server answers both: under `/walk/api/v1` the
// two catch-up routes answer 404 (the baseline peer, a server without them), everything else is
// the same handler. Each trial catches the whole chain up into fresh SQLite + file stores. A
// first untimed catch-up builds every subtree_data file, so every timed run reads the same files.
// Rows run interleaved (each round: walk, then protocol), and the ratio is protocol ÷ walk
// blocks/s. `delayMs` adds that much latency to every response in the server process, to show
// what a round trip per block costs on a real network (0: loopback only).
//
//   bun bench/catchup.ts [trials=5] [delayMs=0] [subtrees=4] [txs=64]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ServingChild, spawnServing } from "./lib/asset-child.ts";

const BLOCKS = 30;
const [mode, arg, delayArg] = process.argv.slice(2);
if (mode === "--serve-chain") await serveChain(arg!, Number(delayArg ?? 0));
else await main();

/** Child: the asset server over `dir`, its catch-up routes 404'd under `/walk`, each response `delayMs` late. */
async function serveChain(dir: string, delayMs: number): Promise<void> {
  const { loadSettings } = await import("../packages/settings/src/index.ts");
  const { openBlobStore, openTxStore } = await import("../packages/stores/src/index.ts");
  const { createAssetServer } = await import("../apps/asset-server/src/index.ts");
  const settings = loadSettings({ env: {}, files: [] });
  const asset = createAssetServer({
    settings,
    txStore: await openTxStore(`sqlite://${dir}/tx.sqlite`),
    blobStore: await openBlobStore(`file://${dir}/blobs?fsync=none`),
    heightScanMs: 0,
  });
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: 0,
    async fetch(req) {
      if (delayMs > 0) await Bun.sleep(delayMs);
      const url = new URL(req.url);
      if (!url.pathname.startsWith("/walk/")) return asset.fetch(req);
      const path = url.pathname.slice("/walk".length);
      if (/^\/api\/v1\/(blocks|headers_from_common_ancestor)\//.test(path))
        return Response.json({ message: "no such route" }, { status: 404 });
      return asset.fetch(new Request(`${url.origin}${path}${url.search}`, req));
    },
  });
  console.log(`PORT ${server.port}`);
}

async function main() {
  const trials = Number(process.argv[2] ?? 5);
  const delayMs = Number(process.argv[3] ?? 0);
  const subtrees = Number(process.argv[4] ?? 4);
  const txs = Number(process.argv[5] ?? 64);
  const { openBlobStore, openTxStore } = await import("../packages/stores/src/index.ts");
  const { seedChain } = await import("../apps/asset-server/src/index.ts");
  const { catchup } = await import("../apps/peer-validator/src/index.ts");

  const dir = mkdtempSync(join(tmpdir(), "bench-catchup-"));
  let server: ServingChild | undefined;
  try {
    const txStore = await openTxStore(`sqlite://${dir}/tx.sqlite`);
    const blobStore = await openBlobStore(`file://${dir}/blobs?fsync=none`);
    const chain = await seedChain({ txStore, blobStore, blocks: BLOCKS, subtrees, txs, txBytes: 250, seed: 18 });
    await txStore.close();
    const tip = chain.at(-1)!.block;
    server = await spawnServing(import.meta.path, ["--serve-chain", dir, String(delayMs)]);
    const base = `http://127.0.0.1:${server.port}`;

    let run = 0;
    /** One catch-up of the whole chain into fresh stores; returns seconds and the protocol used. */
    const catchUp = async (peer: string): Promise<{ s: number; protocol: string }> => {
      const d = join(dir, `v${run++}`);
      const st = await openTxStore(`sqlite://${d}/tx.sqlite`);
      const bs = await openBlobStore(`file://${d}/blobs?fsync=none`);
      const t0 = performance.now();
      const r = await catchup({ to: tip, peers: [peer], txStore: st, blobStore: bs });
      const s = (performance.now() - t0) / 1000;
      await st.close();
      rmSync(d, { recursive: true, force: true });
      if (r.blocks.length !== BLOCKS) throw new Error(`caught up ${r.blocks.length} blocks, expected ${BLOCKS}`);
      return { s, protocol: r.protocol };
    };
    await catchUp(`${base}/api/v1`); // builds every subtree_data file once
    const rows = [
      { name: "walk /block/:hash (baseline)", peer: `${base}/walk/api/v1`, s: [] as number[], protocol: "" },
      { name: "headers + /blocks (protocol)", peer: `${base}/api/v1`, s: [] as number[], protocol: "" },
    ];
    for (let k = 0; k < trials; k++) {
      for (const row of rows) {
        Bun.gc(true);
        const r = await catchUp(row.peer);
        row.s.push(r.s);
        row.protocol = r.protocol;
      }
    }
    const median = (xs: number[]) => {
      const a = [...xs].sort((x, y) => x - y);
      const m = a.length >> 1;
      return a.length % 2 ? a[m]! : (a[m - 1]! + a[m]!) / 2;
    };
    console.log(
      `catch-up of ${BLOCKS} blocks × ${subtrees} subtrees × ${txs} txs, ${trials} interleaved trials, +${delayMs} ms per response`,
    );
    for (const row of rows) {
      console.log(
        `${row.name.padEnd(30)} protocol=${row.protocol.padEnd(7)} median ${(BLOCKS / median(row.s)).toFixed(1).padStart(7)} blocks/s  best ${(BLOCKS / Math.min(...row.s)).toFixed(1).padStart(7)} blocks/s`,
      );
    }
    const [walk, proto] = rows as [(typeof rows)[0], (typeof rows)[0]];
    const perRound = proto.s.map((s, k) => walk.s[k]! / s);
    console.log(
      `ratio protocol ÷ walk: median of bests ${(Math.min(...walk.s) / Math.min(...proto.s)).toFixed(2)}, median per round ${median(perRound).toFixed(2)}`,
    );
  } finally {
    server?.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
