// Benchmark: peak RSS of `seed` (2 subtrees × N txs of 250 B) against the size of one subtree's
// raw txs, at 20 000, 200 000 and 1 048 576 txs per subtree. Goal (issue 17): peak RSS ≤ 256 MiB
// whatever the size, i.e. memory does not grow with the subtree.
//
// Each run is the real command in its own child process writing to fresh SQLite + file stores;
// the peak is the child's VmHWM from /proc/<pid>/status, polled until it exits (VmHWM only grows,
// so the last reading is the peak). Baseline, same invocation: `seed --help` (the runtime and the
// modules loaded, nothing seeded), so the seeding's own share can be read off.
//
//   bun bench/seed-memory.ts [sizes=20000,200000,1048576]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { peakRss } from "./lib/peak-rss.ts";

const MAIN = join(import.meta.dir, "..", "apps", "asset-server", "src", "main.ts");
const TX_BYTES = 250;
const SUBTREES = 2;
const GOAL = 256 * 2 ** 20;
const MiB = 2 ** 20;

/** Peak RSS of a child running the asset-server CLI with `args`. */
function peakRssOf(args: string[]) {
  return peakRss(["bun", MAIN, ...args]);
}

const sizes = (process.argv[2] ?? "20000,200000,1048576").split(",").map(Number);
const base = await peakRssOf(["seed", "--help"]);
console.log(`baseline  seed --help (runtime + modules): peak RSS ${(base.peak / MiB).toFixed(1)} MiB`);
let worst = 0;
for (const txs of sizes) {
  const dir = mkdtempSync(join(tmpdir(), "seed-memory-"));
  try {
    const run = await peakRssOf([
      "seed",
      ...["--subtrees", String(SUBTREES), "--txs", String(txs), "--tx-bytes", String(TX_BYTES)],
      ...["--txstore", `sqlite://${dir}/tx.sqlite`, "--subtreestore", `file://${dir}/blobs?fsync=none`],
    ]);
    if (run.code !== 0) throw new Error(`seed exited ${run.code} at ${txs} txs`);
    const raw = txs * TX_BYTES;
    worst = Math.max(worst, run.peak);
    console.log(
      `${SUBTREES} × ${String(txs).padStart(7)} txs × ${TX_BYTES} B: peak RSS ${(run.peak / MiB).toFixed(1)} MiB` +
        ` (${((run.peak - base.peak) / MiB).toFixed(1)} MiB above baseline),` +
        ` peak ÷ subtree raw bytes (${(raw / MiB).toFixed(1)} MiB) = ${(run.peak / raw).toFixed(2)},` +
        ` ${run.seconds.toFixed(1)} s`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
console.log(
  `goal ≤ 256 MiB whatever the size: ${worst <= GOAL ? "met" : "NOT met"} (worst ${(worst / MiB).toFixed(1)} MiB)`,
);
