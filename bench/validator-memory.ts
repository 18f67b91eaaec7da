// Benchmark: peak RSS of `peer-validator subtree` validating one subtree of N txs of 250 B from a
// real local asset server, against the subtree's raw tx bytes, at 20 000, 200 000 and 1 048 576
// txs. Goal (issue 17): peak RSS ≤ 192 MiB whatever the size, i.e. memory does not grow with the
// subtree. Also printed: the validator's bytes on disk (tx store + blob files, as `du` counts them)
// against the raw bytes it must keep (the txs, and the subtree file's 48 bytes a node); goal ≤ 1.3.
//
// Per size: `seed` writes one subtree into fresh stores, an asset server serves them from a child
// process of this script (port 0 on 127.0.0.1), and the real validator CLI validates it in another
// child into its own fresh SQLite + file stores (every tx missing: the whole-stream path). The peak
// is the validator's VmHWM from /proc/<pid>/status, polled until it exits. Baseline, same
// invocation: `subtree --help` (the runtime and the modules loaded, nothing validated).
// Each size is validated once per tx store: SQLite (a file beside the blobs) and Postgres (a fresh
// schema of the test Postgres; its disk bytes are pg_total_relation_size of its tables, added to
// the validator's blob files). Postgres keeps tx bytes, so its disk figure is expected near 2×.
//
//   bun bench/validator-memory.ts [sizes=20000,200000,1048576] [stores=sqlite,postgres]
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { type ServingChild, serveAsset, spawnServing } from "./lib/asset-child.ts";
import { peakRss } from "./lib/peak-rss.ts";
import { storeKinds, validatorStores } from "./lib/validator-stores.ts";

const ROOT = join(import.meta.dir, "..");
const ASSET = join(ROOT, "apps", "asset-server", "src", "main.ts");
const VALIDATOR = join(ROOT, "apps", "peer-validator", "src", "main.ts");
const TX_BYTES = 250;
const GOAL = 192 * 2 ** 20;
const MiB = 2 ** 20;

const [mode, arg] = process.argv.slice(2);
if (mode === "--serve-asset") await serveAsset(arg!, { blobQuery: "?fsync=none" });
else await main();

/** Peak RSS of `bun <args>` in a child. */
function peakRssOf(args: string[]) {
  return peakRss(["bun", ...args]);
}

async function main() {
  const sizes = (process.argv[2] ?? "20000,200000,1048576").split(",").map(Number);
  const stores = storeKinds(process.argv[3]);
  console.log(`${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(1)}`);
  const base = await peakRssOf([VALIDATOR, "subtree", "--help"]);
  console.log(`baseline  subtree --help (runtime + modules): peak RSS ${(base.peak / MiB).toFixed(1)} MiB`);
  const worst = new Map<string, { rss: number; disk: number }>();
  for (const txs of sizes) {
    const dir = mkdtempSync(join(tmpdir(), "validator-memory-"));
    let server: ServingChild | undefined;
    try {
      const seeded = await peakRssOf([
        ASSET,
        "seed",
        ...["--subtrees", "1", "--txs", String(txs), "--tx-bytes", String(TX_BYTES), "--json"],
        ...["--txstore", `sqlite://${dir}/tx.sqlite`, "--subtreestore", `file://${dir}/blobs?fsync=none`],
      ]);
      if (seeded.code !== 0) throw new Error(`seed exited ${seeded.code} at ${txs} txs`);
      const subtree = (JSON.parse(seeded.out) as { subtrees: string[] }).subtrees[0]!;
      server = await spawnServing(import.meta.path, ["--serve-asset", dir]);
      for (const kind of stores) {
        const v = await validatorStores(kind, join(dir, `v-${kind}`), `memory_${txs}`);
        if (!v) continue;
        try {
          const run = await peakRssOf([
            VALIDATOR,
            "subtree",
            subtree,
            ...["--peer", `http://127.0.0.1:${server.port}/api/v1`, "--json"],
            ...["--txstore", v.txstore, "--subtreestore", v.subtreestore],
          ]);
          if (run.code !== 0)
            throw new Error(`validator (${kind}) exited ${run.code} at ${txs} txs: ${run.out.slice(-2000)}`);
          const raw = txs * TX_BYTES;
          const disk = await v.diskBytes();
          const rawKept = raw + txs * 48;
          const w = worst.get(kind) ?? { rss: 0, disk: 0 };
          worst.set(kind, { rss: Math.max(w.rss, run.peak), disk: Math.max(w.disk, disk / rawKept) });
          console.log(
            `${kind.padEnd(8)} 1 × ${String(txs).padStart(7)} txs × ${TX_BYTES} B: validator peak RSS ${(run.peak / MiB).toFixed(1)} MiB` +
              ` (${((run.peak - base.peak) / MiB).toFixed(1)} MiB above baseline),` +
              ` peak ÷ subtree raw bytes (${(raw / MiB).toFixed(1)} MiB) = ${(run.peak / raw).toFixed(2)},` +
              ` ${run.seconds.toFixed(1)} s; on disk ${(disk / MiB).toFixed(1)} MiB = ${(disk / rawKept).toFixed(2)}× raw`,
          );
        } finally {
          await v.drop();
        }
      }
    } finally {
      server?.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  for (const [kind, w] of worst) {
    console.log(
      `${kind}: goal ≤ 192 MiB whatever the size: ${w.rss <= GOAL ? "met" : "NOT met"} (worst ${(w.rss / MiB).toFixed(1)} MiB);` +
        ` goal on disk ≤ 1.3× raw: ${w.disk <= 1.3 ? "met" : "NOT met"} (worst ${w.disk.toFixed(2)}×)`,
    );
  }
}
