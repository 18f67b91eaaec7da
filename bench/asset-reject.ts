// Benchmark: the cost of saying no. 503s per second at 64 connections (wrk) from the asset
// server with its create cap full (GET /subtree_data of an unbuilt subtree → 503 + Retry-After,
// with the request log line written as in production), against a bare hono handler returning a
// constant 503 (goal ≥ 0.9). Both servers run in their own processes, measured in alternation,
// best of TRIALS.
//
//   bun bench/asset-reject.ts [seconds=5] [trials=3]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [mode, ...rest] = process.argv.slice(2);
if (mode === "--serve-asset") await serveAsset(rest[0]!, rest[1] ?? "info");
else if (mode === "--serve-hono") await serveHono();
else await main();

async function serveAsset(dir: string, logLevel: string) {
  const { loadSettings } = await import("../packages/settings/src/index.ts");
  const { openBlobStore, openTxStore } = await import("../packages/stores/src/index.ts");
  const { createAssetServer, createLogger } = await import("../apps/asset-server/src/index.ts");
  const settings = { ...loadSettings({ env: {}, files: [] }), asset_concurrency_subtree_data_create: 1 };
  const blobStore = await openBlobStore(`file://${dir}/blobs`);
  const txStore = await openTxStore(`sqlite://${dir}/tx.sqlite`);
  const asset = createAssetServer({
    settings,
    txStore,
    blobStore,
    heightScanMs: 0,
    logger: createLogger(logLevel),
  });
  // The cap is full: one build permit held for the whole run, as by a long build.
  asset.ctx.createSem.tryAcquire();
  const { port } = await asset.listen({ port: 0, hostname: "127.0.0.1" });
  console.error(`PORT ${port}`);
}

async function serveHono() {
  const { Hono } = await import("../apps/asset-server/node_modules/hono/dist/index.js");
  const app = new Hono();
  app.get("*", (c) => c.json({ message: "busy; retry later" }, 503, { "Retry-After": "1" }));
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch });
  console.error(`PORT ${server.port}`);
}

async function spawnServer(args: string[]): Promise<{ port: number; kill: () => void }> {
  const child = Bun.spawn(["bun", import.meta.path, ...args], { stdout: "ignore", stderr: "pipe" });
  const reader = child.stderr.getReader();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`server exited: ${text}`);
    text += new TextDecoder().decode(value);
    const m = /PORT (\d+)/.exec(text);
    if (m) {
      reader.releaseLock();
      void child.stderr.pipeTo(new WritableStream()).catch(() => {});
      return { port: Number(m[1]), kill: () => child.kill() };
    }
  }
}

async function wrk(url: string, seconds: number): Promise<{ rps: number; non2xx: number; requests: number }> {
  const p = Bun.spawn(["wrk", "-t", "2", "-c", "64", "-d", `${seconds}s`, url], { stdout: "pipe" });
  const out = await new Response(p.stdout).text();
  await p.exited;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  return { rps, non2xx, requests };
}

async function main() {
  if (!Bun.which("wrk")) {
    console.log("wrk is not installed (apt-get install -y wrk); skipped");
    return;
  }
  const seconds = Number(process.argv[2] ?? 5);
  const trials = Number(process.argv[3] ?? 3);
  const dir = mkdtempSync(join(tmpdir(), "bench-reject-"));
  try {
    const { openBlobStore, openTxStore } = await import("../packages/stores/src/index.ts");
    const { seedSubtree } = await import("../apps/asset-server/src/testing/fixtures.ts");
    const blobs = await openBlobStore(`file://${dir}/blobs?fsync=none`);
    const txs = await openTxStore(`sqlite://${dir}/tx.sqlite`);
    const st = await seedSubtree({ blobs, txs }, 100);
    await txs.close();
    const asset = await spawnServer(["--serve-asset", dir, "info"]);
    const quiet = await spawnServer(["--serve-asset", dir, "warn"]);
    const hono = await spawnServer(["--serve-hono"]);
    const probe = await fetch(`http://127.0.0.1:${asset.port}/api/v1/subtree_data/${st.hex}`);
    if (probe.status !== 503 || probe.headers.get("retry-after") !== "1")
      throw new Error(`expected 503, got ${probe.status}`);
    const best = { asset: 0, quiet: 0, hono: 0 };
    for (let t = 0; t < trials; t++) {
      for (const [name, srv, path] of [
        ["asset", asset, `/api/v1/subtree_data/${st.hex}`],
        ["quiet", quiet, `/api/v1/subtree_data/${st.hex}`],
        ["hono", hono, "/x"],
      ] as const) {
        const r = await wrk(`http://127.0.0.1:${srv.port}${path}`, seconds);
        if (r.non2xx !== r.requests) throw new Error(`${name}: ${r.requests - r.non2xx} responses were not 503`);
        best[name] = Math.max(best[name], r.rps);
      }
    }
    for (const s of [asset, quiet, hono]) s.kill();
    console.log(`asset, cap full, one log line per request: ${best.asset.toFixed(0)} req/s`);
    console.log(`asset, cap full, logLevel=warn (no line):  ${best.quiet.toFixed(0)} req/s`);
    console.log(`hono constant 503:                         ${best.hono.toFixed(0)} req/s`);
    console.log(
      `ratio asset / constant 503: ${(best.asset / best.hono).toFixed(2)} logged, ${(best.quiet / best.hono).toFixed(2)} unlogged (goal ≥ 0.9)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
