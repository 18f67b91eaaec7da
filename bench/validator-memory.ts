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
//
//   bun bench/validator-memory.ts [sizes=20000,200000,1048576]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ServingChild, serveAsset, spawnServing } from "./lib/asset-child.ts";
import { diskBytes } from "./lib/disk-bytes.ts";
import { peakRss } from "./lib/peak-rss.ts";

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
  const base = await peakRssOf([VALIDATOR, "subtree", "--help"]);
  console.log(`baseline  subtree --help (runtime + modules): peak RSS ${(base.peak / MiB).toFixed(1)} MiB`);
  let worst = 0;
  let worstDisk = 0;
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
      const run = await peakRssOf([
        VALIDATOR,
        "subtree",
        subtree,
        ...["--peer", `http://127.0.0.1:${server.port}/api/v1`, "--json"],
        ...["--txstore", `sqlite://${dir}/v/tx.sqlite`, "--subtreestore", `file://${dir}/v/blobs?fsync=none`],
      ]);
      if (run.code !== 0) throw new Error(`validator exited ${run.code} at ${txs} txs: ${run.out.slice(-2000)}`);
      const raw = txs * TX_BYTES;
      const disk = diskBytes(join(dir, "v"));
      const rawKept = raw + txs * 48;
      worst = Math.max(worst, run.peak);
      worstDisk = Math.max(worstDisk, disk / rawKept);
      console.log(
        `1 × ${String(txs).padStart(7)} txs × ${TX_BYTES} B: validator peak RSS ${(run.peak / MiB).toFixed(1)} MiB` +
          ` (${((run.peak - base.peak) / MiB).toFixed(1)} MiB above baseline),` +
          ` peak ÷ subtree raw bytes (${(raw / MiB).toFixed(1)} MiB) = ${(run.peak / raw).toFixed(2)},` +
          ` ${run.seconds.toFixed(1)} s; on disk ${(disk / MiB).toFixed(1)} MiB = ${(disk / rawKept).toFixed(2)}× raw`,
      );
    } finally {
      server?.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(
    `goal ≤ 192 MiB whatever the size: ${worst <= GOAL ? "met" : "NOT met"} (worst ${(worst / MiB).toFixed(1)} MiB)`,
  );
  console.log(`goal on disk ≤ 1.3× raw: ${worstDisk <= 1.3 ? "met" : "NOT met"} (worst ${worstDisk.toFixed(2)}×)`);
}
