// Benchmark: the /subtree_data fast path (an existing file) against
//   (a) Bun.serve returning Bun.file of the same bytes (the runtime's own ceiling; goal ≥ 0.9), and
//   (b) nginx with sendfile, when installed (skipped with a message otherwise).
// Workloads: one stream of a 256 MiB file (REPS times) and 16 concurrent streams of a 4 MiB file
// (ROUNDS each). Every server runs in its own process; its CPU seconds (user+system, from
// /proc, all threads and children) are divided by the GiB it served. The client is curl, the same
// for all three.
//
//   bun bench/asset-fast-path.ts [bigMiB=256] [reps=3] [rounds=16] [trials=3]
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveAsset, spawnServing } from "./lib/asset-child.ts";

const [mode, ...rest] = process.argv.slice(2);
if (mode === "--serve-asset") await serveAsset(rest[0]!);
else if (mode === "--serve-bunfile") serveBunFile(rest[0]!);
else await main();

function serveBunFile(dir: string) {
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: 255,
    fetch: (req) => new Response(Bun.file(join(dir, "www", new URL(req.url).pathname.slice(1)))),
  });
  console.log(`PORT ${server.port}`);
}

/** CPU seconds of a process and its descendants (/proc, clock ticks of 10 ms). */
function cpuSeconds(pid: number): number {
  let total = 0;
  const walk = (p: number) => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += (Number(f[11]) + Number(f[12])) / 100;
    } catch {
      return;
    }
    for (const t of readdirSync(`/proc/${p}/task`)) {
      const children = readFileSync(`/proc/${p}/task/${t}/children`, "utf8").trim();
      for (const c of children ? children.split(" ") : []) walk(Number(c));
    }
  };
  walk(pid);
  return total;
}

async function startNginx(dir: string): Promise<{ pid: number; port: number; kill: () => void } | undefined> {
  const nginx = Bun.which("nginx", { PATH: `${process.env.PATH}:/usr/sbin:/sbin` });
  if (!nginx) return undefined;
  const port = 20000 + Math.floor(Math.random() * 20000);
  const conf = join(dir, "nginx.conf");
  writeFileSync(
    conf,
    `${process.getuid?.() === 0 ? "user root;" : ""} worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/nginx.err;
events { worker_connections 1024; }
http { access_log off; sendfile on; tcp_nopush on; types { } default_type application/octet-stream;
  server { listen 127.0.0.1:${port}; root ${dir}/www; } }`,
  );
  const child = Bun.spawn([nginx, "-c", conf, "-p", dir], { stdout: "inherit", stderr: "inherit" });
  for (let i = 0; i < 100; i++) {
    await Bun.sleep(50);
    const ok = await fetch(`http://127.0.0.1:${port}/small`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return { pid: child.pid, port, kill: () => child.kill() };
  }
  child.kill();
  return undefined;
}

/** `n` curl processes, each downloading `url` `times` times over one connection. */
async function curl(url: string, n: number, times: number): Promise<void> {
  const args = Array.from({ length: times }, () => ["-o", "/dev/null", url]).flat();
  const procs = Array.from({ length: n }, () => Bun.spawn(["curl", "-s", "--fail", ...args]));
  const codes = await Promise.all(procs.map((p) => p.exited));
  if (codes.some((c) => c !== 0)) throw new Error(`curl failed on ${url}`);
}

async function main() {
  const bigMiB = Number(process.argv[2] ?? 256);
  const reps = Number(process.argv[3] ?? 3);
  const rounds = Number(process.argv[4] ?? 16);
  const TRIALS = Number(process.argv[5] ?? 3);
  const dir = mkdtempSync(join(tmpdir(), "bench-fast-"));
  try {
    const { openBlobStore } = await import("../packages/stores/src/index.ts");
    const { toDisplayHex } = await import("../packages/subtree-stream/src/index.ts");
    const blobs = await openBlobStore(`file://${dir}/blobs?fsync=none`);
    mkdirSync(join(dir, "www"));
    const files: Record<string, { hex: string; bytes: number }> = {};
    for (const [name, mib] of [
      ["big", bigMiB],
      ["small", 4],
    ] as const) {
      const body = new Uint8Array(mib * 1024 * 1024);
      for (let at = 0; at < body.length; at += 65536) crypto.getRandomValues(body.subarray(at, at + 65536));
      const hash = crypto.getRandomValues(new Uint8Array(32));
      await blobs.put(hash, "subtreeData", body);
      writeFileSync(join(dir, "www", name), body);
      files[name] = { hex: toDisplayHex(hash), bytes: body.length };
    }
    const servers: {
      name: string;
      start: () => Promise<{ pid: number; port: number; kill: () => void } | undefined>;
      path: (n: string) => string;
    }[] = [
      { name: "Bun.file", start: () => spawnServing(import.meta.path, ["--serve-bunfile", dir]), path: (n) => `/${n}` },
      {
        name: "asset",
        start: () => spawnServing(import.meta.path, ["--serve-asset", dir]),
        path: (n) => `/api/v1/subtree_data/${files[n]!.hex}`,
      },
      { name: "nginx", start: () => startNginx(dir), path: (n) => `/${n}` },
    ];
    // All servers up at once, measured in alternation, best of TRIALS per server: this machine
    // is shared, and alternation spreads any background load over every server alike.
    const running: {
      name: string;
      srv: { pid: number; port: number; kill: () => void };
      path: (n: string) => string;
    }[] = [];
    for (const s of servers) {
      const srv = await s.start();
      if (srv) running.push({ name: s.name, srv, path: s.path });
      else console.log(`${s.name}: not installed, skipped (apt-get install -y nginx)`);
    }
    const results: Record<string, { bigMBs: number; smallMBs: number; cpuPerGiB: number }> = {};
    const totals: Record<string, { cpu: number; gib: number }> = {};
    for (let trial = 0; trial < TRIALS; trial++) {
      for (const { name, srv, path } of running) {
        const base = `http://127.0.0.1:${srv.port}`;
        await curl(`${base}${path("small")}`, 1, 2); // warm-up
        const cpu0 = cpuSeconds(srv.pid);
        let t = performance.now();
        await curl(`${base}${path("big")}`, 1, reps);
        const bigS = (performance.now() - t) / 1000;
        t = performance.now();
        await curl(`${base}${path("small")}`, 16, rounds);
        const smallS = (performance.now() - t) / 1000;
        const tot = (totals[name] ??= { cpu: 0, gib: 0 });
        tot.cpu += cpuSeconds(srv.pid) - cpu0;
        tot.gib += (reps * files.big!.bytes + 16 * rounds * files.small!.bytes) / 2 ** 30;
        const prev = results[name];
        results[name] = {
          bigMBs: Math.max(prev?.bigMBs ?? 0, (reps * files.big!.bytes) / 1e6 / bigS),
          smallMBs: Math.max(prev?.smallMBs ?? 0, (16 * rounds * files.small!.bytes) / 1e6 / smallS),
          cpuPerGiB: tot.cpu / tot.gib,
        };
      }
    }
    for (const { name, srv } of running) {
      srv.kill();
      const r = results[name]!;
      console.log(
        `${name.padEnd(9)} 1×${bigMiB} MiB: ${r.bigMBs.toFixed(0)} MB/s   16×4 MiB: ${r.smallMBs.toFixed(0)} MB/s   server CPU ${r.cpuPerGiB.toFixed(3)} s/GiB`,
      );
    }
    const a = results.asset!;
    for (const base of ["Bun.file", "nginx"]) {
      const b = results[base];
      if (!b) continue;
      console.log(
        `asset / ${base}: single stream ${(a.bigMBs / b.bigMBs).toFixed(2)}, 16 streams ${(a.smallMBs / b.smallMBs).toFixed(2)}, CPU per GiB ${(a.cpuPerGiB / b.cpuPerGiB).toFixed(2)}× ${base === "Bun.file" ? "(goal ≥ 0.9 throughput)" : "(goal CPU ≤ 2×)"}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
