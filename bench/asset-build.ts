// Benchmark: on-demand /subtree_data build of an N-tx subtree (250-byte txs) from SQLite, in MB/s,
// against reading the same txs with a plain prepared-statement loop (one point lookup per node,
// in node order) into /dev/null — the cost of the data itself (goal ≥ 0.7). The build also
// writes and fsyncs the file and streams the body to curl; the server runs in its own process.
// Trials alternate, best of each.
//
//   bun bench/asset-build.ts [txs=1000000] [trials=3]
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveAsset, spawnServing } from "./lib/asset-child.ts";

const [mode, ...rest] = process.argv.slice(2);
if (mode === "--serve-asset") await serveAsset(rest[0]!);
else await main();

/** The store's lookup key (first 6 bytes of the hash as a number), as its own index uses. */
function key48(h: Uint8Array): number {
  return h[0]! * 2 ** 40 + h[1]! * 2 ** 32 + ((h[2]! << 24) >>> 0) + (h[3]! << 16) + (h[4]! << 8) + h[5]!;
}

async function main() {
  const n = Number(process.argv[2] ?? 1_000_000);
  const trials = Number(process.argv[3] ?? 3);
  const dir = mkdtempSync(join(tmpdir(), "bench-build-"));
  try {
    const { openBlobStore, openTxStore } = await import("../packages/stores/src/index.ts");
    const { seedSubtree } = await import("../apps/asset-server/src/testing/fixtures.ts");
    const blobs = await openBlobStore(`file://${dir}/blobs`);
    const txs = await openTxStore(`sqlite://${dir}/tx.sqlite`);
    let t = performance.now();
    const st = await seedSubtree({ blobs, txs }, n, { txSize: 250 });
    await txs.close();
    console.log(
      `seeded ${n} txs (${(st.data.length / 1e6).toFixed(0)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    const ids = st.txids;
    const dataBytes = st.data.length;
    (st as { data?: Uint8Array }).data = undefined;

    const db = new Database(join(dir, "tx.sqlite"), { readonly: true });
    const stmt = db.query("SELECT standard FROM txs WHERE k = ?1 AND hash = ?2");
    const loop = async () => {
      const sink = Bun.file("/dev/null").writer();
      let bytes = 0;
      for (const h of ids) {
        const row = stmt.get(key48(h), h) as { standard: Uint8Array } | null;
        if (!row) throw new Error("missing row");
        sink.write(row.standard);
        bytes += row.standard.length;
      }
      await sink.end();
      return bytes;
    };
    const srv = await spawnServing(import.meta.path, ["--serve-asset", dir]);
    process.on("exit", () => srv.kill());
    const url = `http://127.0.0.1:${srv.port}/api/v1/subtree_data/${st.hex}`;
    const best = { loop: 0, build: 0 };
    for (let i = 0; i < trials; i++) {
      t = performance.now();
      const bytes = await loop();
      best.loop = Math.max(best.loop, bytes / 1e6 / ((performance.now() - t) / 1000));
      await blobs.delete(st.hash, "subtreeData");
      t = performance.now();
      const curl = Bun.spawn(["curl", "-s", "--fail", "-o", "/dev/null", "-w", "%{size_download}", url], {
        stdout: "pipe",
      });
      const got = Number(await new Response(curl.stdout).text());
      if ((await curl.exited) !== 0 || got !== dataBytes)
        throw new Error(`build returned ${got} of ${dataBytes} bytes`);
      best.build = Math.max(best.build, got / 1e6 / ((performance.now() - t) / 1000));
    }
    srv.kill();
    db.close();
    console.log(`prepared-statement loop → /dev/null: ${best.loop.toFixed(1)} MB/s`);
    console.log(
      `on-demand /subtree_data build:      ${best.build.toFixed(1)} MB/s (file written + fsynced, body streamed)`,
    );
    console.log(`ratio build / loop: ${(best.build / best.loop).toFixed(2)} (goal ≥ 0.7)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
