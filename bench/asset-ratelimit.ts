// Benchmark: the cost of a 429 (issue 18). Requests per second at 64 connections (wrk) that the
// asset server's rate limiter refuses — exempt list emptied, heavy limit 1/s, so all but about one
// request a second get 429 + Retry-After, logged as in production (a line a second per client) —
// against a bare hono handler returning a constant 429 (goal ≥ 0.9), and one that also asks Bun
// for the client's address. Two heavy routes: `subtree_data` (Bun's native route, the storm
// route) and `block` (the path every other route takes, before hono).
//
// Fairness as in asset-reject.ts: the baseline runs in the same process as the asset server (its
// own port, the same Bun.serve idleTimeout) and is loaded by the same wrk command; each trial runs
// every case back to back, and every trial is printed.
//
//   bun bench/asset-ratelimit.ts [seconds=5] [trials=3]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveWithBaseline, spawnWithBaseline } from "./lib/baseline-child.ts";
import { cpuSeconds, wrk } from "./lib/wrk.ts";

const UNKNOWN = "cd".repeat(32);
const [mode, ...rest] = process.argv.slice(2);
if (mode === "--serve-asset") await serveAsset(rest[0]!);
else await main();

async function serveAsset(dir: string) {
  await serveWithBaseline(dir, {
    settings: { asset_httpHeavyRateLimit: 1, asset_httpRateLimitExempt: [] },
    logLevel: "info",
    baseline: (app) => {
      // The least any per-IP limiter must do on Bun: ask the socket's address (not a fixed cost of ours).
      app.get("/ip", (c) => {
        c.env.requestIP(c.req.raw);
        return c.json({ message: "rate limit exceeded" }, 429, { "Retry-After": "1" });
      });
      app.get("*", (c) => c.json({ message: "rate limit exceeded" }, 429, { "Retry-After": "1" }));
    },
  });
}

async function main() {
  if (!Bun.which("wrk")) {
    console.log("wrk is not installed (apt-get install -y wrk); skipped");
    return;
  }
  const seconds = Number(process.argv[2] ?? 5);
  const trials = Number(process.argv[3] ?? 3);
  const dir = mkdtempSync(join(tmpdir(), "bench-ratelimit-"));
  try {
    // One process: the limited routes and both baselines share its CPU, heap and JIT. (A 429 is
    // logged at most once a second per client, so a second process at logLevel=warn would only
    // measure process-to-process noise.)
    const server = await spawnWithBaseline(import.meta.path, ["--serve-asset", dir]);
    const probe = await fetch(`http://127.0.0.1:${server.port}/api/v1/subtree_data/${UNKNOWN}`);
    const again = await fetch(`http://127.0.0.1:${server.port}/api/v1/subtree_data/${UNKNOWN}`);
    if (probe.status !== 404 || again.status !== 429 || again.headers.get("retry-after") !== "1")
      throw new Error(`expected 404 then 429 + Retry-After, got ${probe.status}, ${again.status}`);
    const cases = [
      ["subtree_data", server.port, `/api/v1/subtree_data/${UNKNOWN}`],
      ["block", server.port, `/api/v1/block/${UNKNOWN}`],
      ["hono 429", server.baseline, "/x"],
      ["hono 429 + requestIP", server.baseline, "/ip"],
    ] as const;
    type Name = (typeof cases)[number][0];
    // Warm-up: every path JIT-compiled before anything is counted.
    for (const [, port, path] of cases) await wrk(`http://127.0.0.1:${port}${path}`, 1);
    const runs: Record<Name, { rps: number; cpuUs: number }>[] = [];
    for (let t = 0; t < trials; t++) {
      const trial = {} as Record<Name, { rps: number; cpuUs: number }>;
      // Each trial starts at another case, so no case always runs first or last.
      for (let k = 0; k < cases.length; k++) {
        const [name, port, path] = cases[(k + t) % cases.length]!;
        const cpu0 = cpuSeconds(server.pid);
        const r = await wrk(`http://127.0.0.1:${port}${path}`, seconds);
        // About one request a second per route gets through (a 404): the rest must be 429s.
        if (r.non2xx !== r.requests) throw new Error(`${name}: ${r.requests - r.non2xx} responses were 2xx/3xx`);
        trial[name] = { rps: r.rps, cpuUs: ((cpuSeconds(server.pid) - cpu0) / r.requests) * 1e6 };
      }
      runs.push(trial);
      const base = trial["hono 429"];
      console.log(
        `trial ${t + 1}: ${cases.map(([n]) => `${n} ${trial[n].rps.toFixed(0)}`).join(", ")} req/s → ` +
          `${(trial.subtree_data.rps / base.rps).toFixed(2)} subtree_data, ` +
          `${(trial.block.rps / base.rps).toFixed(2)} block; server CPU µs/request ` +
          cases.map(([n]) => trial[n].cpuUs.toFixed(1)).join(" / "),
      );
    }
    server.kill();
    const median = (xs: number[]) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const ratio = (n: Name, base: Name = "hono 429") => median(runs.map((r) => r[n].rps / r[base].rps));
    const cpuRatio = (n: Name, base: Name = "hono 429") => median(runs.map((r) => r[base].cpuUs / r[n].cpuUs));
    console.log(
      `ratio 429 / constant hono 429, median of ${trials} trials (goal ≥ 0.9): ` +
        `subtree_data ${ratio("subtree_data").toFixed(2)}, block ${ratio("block").toFixed(2)}`,
    );
    // Throughput on a shared machine swings with other load; CPU per request does much less.
    console.log(
      `CPU per request, constant 429 / limiter (median): subtree_data ${cpuRatio("subtree_data").toFixed(2)}, ` +
        `block ${cpuRatio("block").toFixed(2)}`,
    );
    console.log(
      `the same against hono 429 + requestIP (what knowing the client costs on Bun): ` +
        `subtree_data ${ratio("subtree_data", "hono 429 + requestIP").toFixed(2)}, block ${ratio("block", "hono 429 + requestIP").toFixed(2)} req/s; ` +
        `CPU ${cpuRatio("subtree_data", "hono 429 + requestIP").toFixed(2)}, ${cpuRatio("block", "hono 429 + requestIP").toFixed(2)}; ` +
        `requestIP alone: hono ${ratio("hono 429 + requestIP").toFixed(2)} of hono`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
