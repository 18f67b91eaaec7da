// Benchmark: issue 17's on-demand build rows, each against its baseline in the same run.
//   1. build of N × 250 B and of 20 000 × 2000 B over HTTP against a plain ordered read of the same
//      txs into a file: one range scan of their rows in stored order (they were inserted together),
//      no lookup by hash (goal ≥ 0.7). Also printed: one prepared-statement point lookup per node,
//      in node order, into a file (what asset-build.ts compares against);
//   2. 4 builds of 4 distinct subtrees at once against 1 build: aggregate MB/s ratio (goal ≥ 1.6);
//   3. moonshot: txs/s end to end of building a 1 048 576 × 250 B subtree against 1 M tx/s.
// The server runs in its own process with default settings (create cap 4, fsync on commit); bodies
// go to curl. Two servers over the same files are measured side by side: the default (the tx
// store's lookups on the event loop) and one with 2 read workers (`?read_workers=2`). Every
// trial's figure is printed; ratios use the best of each side.
//
//   bun bench/asset-build-rows.ts [n250=200000] [trials=3] [moonshotTxs=1048576]
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveAsset, spawnServing } from "./lib/asset-child.ts";

const [mode, ...rest] = process.argv.slice(2);
if (mode === "--serve-asset") await serveAsset(rest[0]!, { txQuery: rest[1] ?? "" });
else await main();

/** The store's lookup key (first 6 bytes of the hash as a number), as its own index uses. */
function key48(h: Uint8Array): number {
  return h[0]! * 2 ** 40 + h[1]! * 2 ** 32 + ((h[2]! << 24) >>> 0) + (h[3]! << 16) + (h[4]! << 8) + h[5]!;
}

interface Seeded {
  hex: string;
  hash: Uint8Array;
  txids: Uint8Array[];
  bytes: number;
}

async function main() {
  const n250 = Number(process.argv[2] ?? 200_000);
  const trials = Number(process.argv[3] ?? 3);
  const moonN = Number(process.argv[4] ?? 1_048_576);
  const dir = mkdtempSync(join(tmpdir(), "bench-build-rows-"));
  const { openBlobStore, openTxStore } = await import("../packages/stores/src/index.ts");
  const { seedSubtree } = await import("../apps/asset-server/src/testing/fixtures.ts");
  const blobs = await openBlobStore(`file://${dir}/blobs`);
  const servers: Awaited<ReturnType<typeof spawnServing>>[] = [];
  try {
    const txs = await openTxStore(`sqlite://${dir}/tx.sqlite`);
    const { SyntheticTxFactory } = await import("../apps/asset-server/src/seed/synthetic-tx.ts");
    const { Prng } = await import("../apps/asset-server/src/seed/prng.ts");
    const seed = async (n: number, txSize: number): Promise<Seeded> => {
      // Exactly `txSize` bytes a tx (the fixtures' randomTx tops out near 500 B).
      const factory = new SyntheticTxFactory(new Prng(Math.floor(Math.random() * 2 ** 32)), txSize);
      const st = await seedSubtree({ blobs, txs }, n, { txSize, makeTx: () => factory.next() });
      if (st.data.length !== n * txSize) throw new Error(`seeded ${st.data.length} bytes, not ${n} × ${txSize}`);
      return { hex: st.hex, hash: st.hash, txids: st.txids, bytes: st.data.length };
    };
    const t = performance.now();
    const small = [await seed(n250, 250), await seed(n250, 250), await seed(n250, 250), await seed(n250, 250)];
    const big = [
      await seed(20_000, 2000),
      await seed(20_000, 2000),
      await seed(20_000, 2000),
      await seed(20_000, 2000),
    ];
    const moon = await seed(moonN, 250);
    await txs.close();
    console.log(`seeded in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const db = new Database(join(dir, "tx.sqlite"), { readonly: true });
    const stmt = db.query("SELECT standard FROM txs WHERE k = ?1 AND hash = ?2");
    const idOf = db.query("SELECT id FROM txs WHERE k = ?1 AND hash = ?2");
    const range = db.query("SELECT standard FROM txs WHERE id BETWEEN ?1 AND ?2 ORDER BY id");
    /** The limit: the same rows read in stored order by one range scan, written to a file. */
    const scan = async (s: Seeded): Promise<number> => {
      const id = (h: Uint8Array) => (idOf.get(key48(h), h) as { id: number }).id;
      const path = join(dir, "scan.out");
      const sink = Bun.file(path).writer({ highWaterMark: 1 << 20 });
      let bytes = 0;
      for (const row of range.iterate(id(s.txids[0]!), id(s.txids.at(-1)!)) as IterableIterator<{
        standard: Uint8Array;
      }>) {
        sink.write(row.standard);
        bytes += row.standard.length;
      }
      await sink.end();
      rmSync(path);
      if (bytes !== s.bytes) throw new Error(`scan read ${bytes} of ${s.bytes} bytes`);
      return bytes;
    };
    /** One point lookup per node, in node order, written to a file. */
    const loop = async (s: Seeded): Promise<number> => {
      const path = join(dir, "loop.out");
      const sink = Bun.file(path).writer({ highWaterMark: 1 << 20 });
      let bytes = 0;
      for (const h of s.txids) {
        const row = stmt.get(key48(h), h) as { standard: Uint8Array } | null;
        if (!row) throw new Error("missing row");
        sink.write(row.standard);
        bytes += row.standard.length;
      }
      await sink.end();
      rmSync(path);
      return bytes;
    };
    const variants = [
      { label: "default", query: "" },
      { label: "read_workers=2", query: "?read_workers=2" },
    ];
    for (const v of variants) servers.push(await spawnServing(import.meta.path, ["--serve-asset", dir, v.query]));
    process.on("exit", () => {
      for (const s of servers) s.kill();
    });
    const build = async (s: Seeded, port: number): Promise<number> => {
      await blobs.delete(s.hash, "subtreeData").catch(() => {});
      const url = `http://127.0.0.1:${port}/api/v1/subtree_data/${s.hex}`;
      const curl = Bun.spawn(["curl", "-s", "--fail", "-o", "/dev/null", "-w", "%{size_download}", url], {
        stdout: "pipe",
      });
      const got = Number(await new Response(curl.stdout).text());
      if ((await curl.exited) !== 0 || got !== s.bytes) throw new Error(`build returned ${got} of ${s.bytes} bytes`);
      return got;
    };
    /** MB/s of `f`, which returns the bytes it moved. */
    const rate = async (f: () => Promise<number>): Promise<number> => {
      const start = performance.now();
      const bytes = await f();
      return bytes / 1e6 / ((performance.now() - start) / 1000);
    };
    const fmt = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(", ");

    for (const [label, set] of [
      [`${n250} × 250 B`, small],
      ["20000 × 2000 B", big],
    ] as const) {
      const scans: number[] = [];
      const loops: number[] = [];
      const ones = variants.map((): number[] => []);
      const fours = variants.map((): number[] => []);
      for (let i = 0; i < trials; i++) {
        scans.push(await rate(() => scan(set[0]!)));
        loops.push(await rate(() => loop(set[0]!)));
        for (const [v, srv] of servers.entries()) {
          ones[v]!.push(await rate(() => build(set[0]!, srv.port)));
          fours[v]!.push(
            await rate(async () => (await Promise.all(set.map((s) => build(s, srv.port)))).reduce((a, b) => a + b, 0)),
          );
        }
      }
      const bs = Math.max(...scans);
      const bl = Math.max(...loops);
      console.log(`\n${label}`);
      console.log(`  ordered read → file:   ${fmt(scans)} MB/s (one range scan in stored order)`);
      console.log(`  lookup loop → file:    ${fmt(loops)} MB/s (a point lookup per node)`);
      for (const [v, { label: name }] of variants.entries()) {
        const b1 = Math.max(...ones[v]!);
        const b4 = Math.max(...fours[v]!);
        console.log(`  ${name}: 1 build over HTTP: ${fmt(ones[v]!)} MB/s; 4 builds at once: ${fmt(fours[v]!)} MB/s`);
        console.log(
          `  ${name}: build / ordered read ${(b1 / bs).toFixed(2)} (goal ≥ 0.7), build / lookup loop ` +
            `${(b1 / bl).toFixed(2)}, 4 / 1 ${(b4 / b1).toFixed(2)} (goal ≥ 1.6)`,
        );
      }
    }

    console.log("");
    for (const [v, { label: name }] of variants.entries()) {
      const moons: number[] = [];
      for (let i = 0; i < Math.min(trials, 2); i++) {
        const start = performance.now();
        await build(moon, servers[v]!.port);
        moons.push(moonN / ((performance.now() - start) / 1000));
      }
      const best = Math.max(...moons);
      console.log(
        `moonshot (${name}): build of ${moonN} × 250 B end to end: ${moons.map((x) => Math.round(x)).join(", ")} tx/s; ` +
          `best ${(best / 1e6).toFixed(2)} M tx/s = ${(best / 1e6).toFixed(2)}× the goal of 1 M tx/s`,
      );
    }
    db.close();
  } finally {
    for (const s of servers) s.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
