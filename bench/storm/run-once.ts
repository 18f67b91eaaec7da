import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { cpuSeconds } from "./cpu.ts";
import type { PeerPlan, PeerResult } from "./peer.ts";
import type { LoopLag, PeersConfig, PeersReport } from "./peers-main.ts";
import { type PromSample, scrapeMetrics, sumMetric } from "./prometheus.ts";
import { type RssSample, RssSampler } from "./rss-sampler.ts";
import type { SeededData } from "./seed-cache.ts";
import { startServerProcess } from "./server-process.ts";

export interface RunOptions {
  label: string;
  /** `asset_concurrency_subtree_data_create`: 0 = unlimited. */
  cap: number;
  /** The Zipf exponent the peers' plans were drawn with (shown in the table). */
  zipf: number;
  /** The server's entry (run as `bun <main> serve`). Default: the asset server; `prefix-main.ts` is the pre-fix re-creation. */
  mainPath?: string;
  seeded: SeededData;
  repoRoot: string;
  /** Where the per-run blob directory is made (a fresh one each run). */
  workRoot: string;
  plans: PeerPlan[];
  slowBytesPerS: number;
  /** Server RSS above which the run is stopped (server SIGKILLed, peers aborted). */
  limitBytes: number;
  sampleMs: number;
  /** Peer attempts instead of the production 6 (`--max-attempts`, an experiment). */
  maxAttempts?: number;
  /** Extra server settings for this run (`--set key=value`). */
  serverEnv?: Record<string, string>;
  /** A directory: the server's log (at info, unless `serverEnv` says otherwise) is kept there as `server-<label>.log`. */
  serverLogDir?: string;
}

export interface RunResult {
  label: string;
  cap: number;
  zipf: number;
  samples: RssSample[];
  baselineBytes: number;
  peakBytes: number;
  /** Peak RssAnon (heap and buffers; excludes mapped file pages such as SQLite's mmap). */
  peakAnonBytes: number;
  endBytes: number;
  /** The safety stop fired (server killed at `stoppedAtMs` of the sampler's clock). */
  stopped: boolean;
  stoppedAtMs?: number;
  peers: PeerResult[];
  wallMs: number;
  /** How old the last /metrics read was when the run ended (0 normally; a stopped server may have stopped answering well before). */
  metricsAgeMs: number;
  /** From the server's /metrics, at its last answer (see `metricsAgeMs`). */
  served503: number;
  buildsStarted: number;
  followed: number;
  bytesServed: number;
  /** CPU seconds the server used during the run (start-up excluded; undefined if it was killed first). */
  serverCpuS: number | undefined;
  /** CPU seconds of the peers' process: near wall time means the load generator was saturated. */
  peersCpuS: number | undefined;
  /** The server's event loop (its /metrics): the latest a 100 ms timer ran, and how often ≥ 250 ms late; undefined if it does not report it. */
  serverLag: LoopLag | undefined;
  /** The peers' process event-loop lag (their retry timers fire this late). */
  peersLag: LoopLag;
  /** 1-minute load average when the peers started: other work on the machine skews timings. */
  loadAvgAtStart: number;
  /** Lines the server logged at warn or above. */
  warnings: string[];
}

/**
 * One storm: a fresh copy of the seeded blob directory (subtrees and the block, no subtree data,
 * so every subtree must be built on demand), the real server as a child process with the given
 * create cap, the peers as another child process, RSS sampled every `sampleMs`, /metrics scraped
 * every second. Ends when every peer is done, or when RSS passes the limit.
 */
export async function runOnce(o: RunOptions): Promise<RunResult> {
  const runDir = mkdtempSync(join(o.workRoot, `run-cap${o.cap}-`));
  const blobDir = join(runDir, "blobs");
  // Subtrees and the block only; a subtreeData file (or its temp) would skip the build.
  cpSync(o.seeded.blobDir, blobDir, { recursive: true, filter: (src) => !/\.subtreeData/.test(src) });
  let server: Awaited<ReturnType<typeof startServerProcess>>;
  try {
    server = await startServerProcess({
      mainPath: o.mainPath ?? resolve(o.repoRoot, "apps/asset-server/src/main.ts"),
      cwd: runDir,
      env: {
        txstore: `sqlite://${o.seeded.txStorePath}`,
        subtreestore: `file://${blobDir}`,
        logLevel: o.serverLogDir ? "info" : "warn",
        ...o.serverEnv,
        asset_concurrency_subtree_data_create: String(o.cap),
      },
      ...(o.serverLogDir ? { logFile: join(o.serverLogDir, `server-${o.label}.log`) } : {}),
    });
  } catch (error) {
    rmSync(runDir, { recursive: true, force: true });
    throw error;
  }
  let stopped = false;
  let stoppedAtMs: number | undefined;
  let stoppedAt: number | undefined; // performance.now() of the stop
  let metricsAt = performance.now();
  let peersProc: ReturnType<typeof Bun.spawn> | undefined;
  const sampler = new RssSampler(server.pid, {
    intervalMs: o.sampleMs,
    onSample: (s) => {
      if (stopped || s.bytes <= o.limitBytes) return;
      // The OOM this benchmark reproduces: stop before the machine does.
      stopped = true;
      stoppedAtMs = s.tMs;
      stoppedAt = performance.now();
      server.proc.kill("SIGKILL");
      peersProc?.kill("SIGTERM");
    },
  });
  const baselineBytes = sampler.lastBytes;
  let lastMetrics: PromSample[] | undefined = await scrapeMetrics(server.url);
  let scraping = true;
  const scraper = (async () => {
    while (scraping && !stopped) {
      await Bun.sleep(1000);
      if (!scraping || stopped) break;
      const m = await scrapeMetrics(server.url, 900);
      if (m && !stopped) {
        lastMetrics = m;
        metricsAt = performance.now();
      }
    }
  })();
  const loadAvgAtStart = loadavg()[0] ?? 0;
  const serverCpuAtStart = cpuSeconds(server.pid) ?? 0;
  let serverCpuAtEnd: number | undefined;
  try {
    const config: PeersConfig = {
      api: server.api,
      plans: o.plans,
      slowBytesPerS: o.slowBytesPerS,
      ...(o.maxAttempts ? { maxAttempts: o.maxAttempts } : {}),
    };
    peersProc = Bun.spawn(
      [process.execPath, resolve(o.repoRoot, "bench/storm/peers-main.ts"), JSON.stringify(config)],
      {
        cwd: o.repoRoot,
        stdout: "pipe",
        stderr: "inherit",
      },
    );
    const out = await new Response(peersProc.stdout as ReadableStream<Uint8Array>).text();
    serverCpuAtEnd = cpuSeconds(server.pid);
    await peersProc.exited;
    const usage = peersProc.resourceUsage();
    const line = out.trim().split("\n").at(-1);
    if (!line) throw new Error(`peer process exited with ${peersProc.exitCode} and no report`);
    const report = JSON.parse(line) as PeersReport;
    const endBytes = sampler.lastBytes;
    scraping = false;
    await scraper;
    if (!stopped) {
      const m = await scrapeMetrics(server.url);
      if (m) {
        lastMetrics = m;
        metricsAt = performance.now();
      }
    }
    sampler.stop();
    const m = lastMetrics ?? [];
    const created = "teranode_asset_repository_subtree_data_created_total";
    return {
      label: o.label,
      cap: o.cap,
      zipf: o.zipf,
      samples: sampler.samples,
      baselineBytes,
      peakBytes: sampler.peakBytes,
      peakAnonBytes: sampler.peakAnon,
      endBytes,
      stopped,
      ...(stoppedAtMs === undefined ? {} : { stoppedAtMs }),
      peers: report.results,
      wallMs: report.wallMs,
      metricsAgeMs: Math.max(0, (stoppedAt ?? performance.now()) - metricsAt),
      served503: sumMetric(m, "teranode_asset_http_get_subtree_data", { operation: "Service Unavailable" }),
      buildsStarted:
        sumMetric(m, created, { source: "on_demand_created" }) +
        sumMetric(m, created, { source: "write_failed" }) +
        sumMetric(m, created, { source: "client_gone" }) +
        sumMetric(m, "subtreekit_asset_builds_in_flight"),
      followed: sumMetric(m, created, { source: "followed" }),
      bytesServed: sumMetric(m, "subtreekit_asset_bytes_streamed_total"),
      serverCpuS: serverCpuAtEnd === undefined ? undefined : serverCpuAtEnd - serverCpuAtStart,
      peersCpuS: usage ? Number(usage.cpuTime.total) / 1e6 : undefined,
      peersLag: report.lag,
      serverLag: m.some((x) => x.name === "subtreekit_event_loop_stalls_total")
        ? {
            maxMs: sumMetric(m, "subtreekit_event_loop_max_late_seconds") * 1000,
            stalls: sumMetric(m, "subtreekit_event_loop_stalls_total"),
          }
        : undefined,
      loadAvgAtStart,
      warnings: server.warnings,
    };
  } finally {
    scraping = false;
    sampler.stop();
    peersProc?.kill("SIGKILL");
    if (!stopped) await server.stop();
    else await server.kill();
    rmSync(runDir, { recursive: true, force: true });
  }
}
