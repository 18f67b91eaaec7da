// Benchmark: the cost of saying no. 503s per second at 64 connections (wrk) from the asset
// server with its create cap full (GET /subtree_data of an unbuilt subtree → 503 + Retry-After,
// with the request log line written as in production), against a bare hono handler returning a
// constant 503 (goal ≥ 0.9).
//
// Fairness: the baseline runs in the same process as the logged asset server (its own port),
// under the same Bun.serve options (idleTimeout), and is loaded by the same wrk command. Each
// trial runs asset, quiet and baseline back to back, so a trial's ratio compares runs seconds
// apart; on a shared machine that is steadier than best-of-each, and every trial is printed.
//
// With `hashes` > 1, wrk cycles through that many distinct unbuilt subtrees: a burst of one hash
// shares one file check per loop turn, distinct hashes each pay theirs.
//
//   bun bench/asset-reject.ts [seconds=5] [trials=3] [hashes=1]
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveWithBaseline, spawnWithBaseline } from "./lib/baseline-child.ts";
import { cpuSeconds, wrk } from "./lib/wrk.ts";

const [mode, ...rest] = process.argv.slice(2);
if (mode === "--serve-asset") await serveAsset(rest[0]!, rest[1] ?? "info");
else await main();

async function serveAsset(dir: string, logLevel: string) {
  await serveWithBaseline(dir, {
    settings: { asset_concurrency_subtree_data_create: 1 },
    logLevel,
    // The cap is full: one build permit held for the whole run, as by a long build.
    prepare: (asset) => asset.testing.holdCreatePermits(1),
    baseline: (app) => app.get("*", (c) => c.json({ message: "busy; retry later" }, 503, { "Retry-After": "1" })),
  });
}

async function main() {
  if (!Bun.which("wrk")) {
    console.log("wrk is not installed (apt-get install -y wrk); skipped");
    return;
  }
  const seconds = Number(process.argv[2] ?? 5);
  const trials = Number(process.argv[3] ?? 3);
  const hashes = Number(process.argv[4] ?? 1);
  if (!Number.isInteger(hashes) || hashes < 1)
    throw new Error(`hashes must be a positive integer, got ${process.argv[4]}`);
  const dir = mkdtempSync(join(tmpdir(), "bench-reject-"));
  try {
    const { openBlobStore, openTxStore } = await import("../packages/stores/src/index.ts");
    const { seedSubtree } = await import("../apps/asset-server/src/testing/fixtures.ts");
    const blobs = await openBlobStore(`file://${dir}/blobs?fsync=none`);
    const txs = await openTxStore(`sqlite://${dir}/tx.sqlite`);
    const seeded = [];
    for (let i = 0; i < hashes; i++) seeded.push(await seedSubtree({ blobs, txs }, 100));
    const st = seeded[0]!;
    await txs.close();
    // wrk cycles through the subtrees' paths (one Lua state per thread).
    const script = join(dir, "paths.lua");
    const paths = seeded.map((s) => `"/api/v1/subtree_data/${s.hex}"`).join(",");
    writeFileSync(
      script,
      `local paths = {${paths}}\nlocal i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format("GET", paths[i])\nend\n`,
    );
    const asset = await spawnWithBaseline(import.meta.path, ["--serve-asset", dir, "info"]);
    const quiet = await spawnWithBaseline(import.meta.path, ["--serve-asset", dir, "warn"]);
    const probe = await fetch(`http://127.0.0.1:${asset.port}/api/v1/subtree_data/${st.hex}`);
    if (probe.status !== 503 || probe.headers.get("retry-after") !== "1")
      throw new Error(`expected 503, got ${probe.status}`);
    const path = `/api/v1/subtree_data/${st.hex}`;
    const best = { asset: 0, quiet: 0, hono: 0 };
    const ratios: { logged: number; unlogged: number; cpu: number }[] = [];
    for (let t = 0; t < trials; t++) {
      const rps = { asset: 0, quiet: 0, hono: 0 };
      const cpuUs = { asset: 0, quiet: 0, hono: 0 };
      for (const [name, srv, port, p, lua] of [
        ["asset", asset, asset.port, path, hashes > 1 ? script : undefined],
        ["quiet", quiet, quiet.port, path, hashes > 1 ? script : undefined],
        // The same script for the baseline (its route answers any path): wrk's Lua costs the client CPU.
        ["hono", asset, asset.baseline, "/x", hashes > 1 ? script : undefined],
      ] as const) {
        const cpu0 = cpuSeconds(srv.pid);
        const r = await wrk(`http://127.0.0.1:${port}${p}`, seconds, { script: lua });
        cpuUs[name] = ((cpuSeconds(srv.pid) - cpu0) / r.requests) * 1e6;
        if (r.non2xx !== r.requests) throw new Error(`${name}: ${r.requests - r.non2xx} responses were not 503`);
        rps[name] = r.rps;
        best[name] = Math.max(best[name], r.rps);
      }
      ratios.push({ logged: rps.asset / rps.hono, unlogged: rps.quiet / rps.hono, cpu: cpuUs.hono / cpuUs.asset });
      console.log(
        `trial ${t + 1}: asset ${rps.asset.toFixed(0)}, quiet ${rps.quiet.toFixed(0)}, hono ${rps.hono.toFixed(0)} req/s → ` +
          `${(rps.asset / rps.hono).toFixed(2)} logged, ${(rps.quiet / rps.hono).toFixed(2)} unlogged; server CPU µs/request ` +
          `${cpuUs.asset.toFixed(1)} / ${cpuUs.quiet.toFixed(1)} / ${cpuUs.hono.toFixed(1)}`,
      );
    }
    for (const s of [asset, quiet]) s.kill();
    const median = (xs: number[]) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    console.log(`distinct subtrees requested: ${hashes}`);
    console.log(`asset, cap full, one log line per request: ${best.asset.toFixed(0)} req/s (best)`);
    console.log(`asset, cap full, logLevel=warn (no line):  ${best.quiet.toFixed(0)} req/s (best)`);
    console.log(`hono constant 503:                         ${best.hono.toFixed(0)} req/s (best)`);
    console.log(
      `ratio asset / constant 503, median of trials: ${median(ratios.map((r) => r.logged)).toFixed(2)} logged, ` +
        `${median(ratios.map((r) => r.unlogged)).toFixed(2)} unlogged; of bests: ${(best.asset / best.hono).toFixed(2)} logged (goal ≥ 0.9)`,
    );
    // Throughput on a shared machine swings with other load; CPU per request does much less.
    console.log(
      `CPU per request, constant 503 / asset logged (median): ${median(ratios.map((r) => r.cpu)).toFixed(2)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
