#!/usr/bin/env bun
/**
 * The storm's load generator, run as its own process (`bun bench/storm/peers-main.ts <json>`).
 *
 * Why a separate process: 200 peers verifying ~8 GB of subtree data (sha256d of every tx) keep a
 * JS thread busy. In the benchmark's main process that would delay the 100 ms RSS sampler and the
 * safety stop, so the load runs here and the main process only samples, scrapes and decides.
 * The server is a third process, so the RSS measured is the server's alone.
 *
 * Input: one JSON argument ({@link PeersConfig}). Output: one JSON line ({@link PeersReport}) on
 * stdout when every peer is done, or at once after SIGTERM (every peer still running is aborted
 * and reported as failed, so a stopped run still accounts for all N peers).
 */
import { LoopStallProbe } from "../../apps/asset-server/src/server/loop-stall.ts";
import { fetchWithRetry } from "../../packages/http-retry/src/index.ts";
import { type PeerPlan, type PeerResult, PRODUCTION_POLICY, runPeer } from "./peer.ts";

/** An event loop's worst lateness (ms) and how many 100 ms ticks came ≥ 250 ms late (LoopStallProbe). */
export interface LoopLag {
  maxMs: number;
  stalls: number;
}

export interface PeersConfig {
  api: string;
  plans: PeerPlan[];
  slowBytesPerS: number;
  maxAttempts?: number;
}

export interface PeersReport {
  results: PeerResult[];
  /** From the first peer's start to the last peer's end (or the stop). */
  wallMs: number;
  stopped: boolean;
  /** Event-loop lag of this process: the longest, and how many 100 ms ticks came ≥ 250 ms late. */
  lag: LoopLag;
}

class StormStopped extends Error {
  override name = "StormStopped" as const;
  readonly code = "STOPPED" as const;
}

const config = JSON.parse(process.argv[2] ?? "{}") as PeersConfig;
const stop = new AbortController();
process.on("SIGTERM", () => stop.abort(new StormStopped("the benchmark stopped this run (safety limit)")));

// Node lists are the same for every peer asking for one subtree: fetch each once (the cost being
// measured is subtree_data, and 200 copies of 20000 node views would only load this process).
const nodeLists = new Map<string, Promise<Uint8Array[]>>();
const nodes = (hash: string): Promise<Uint8Array[]> => {
  let p = nodeLists.get(hash);
  if (!p) {
    p = (async () => {
      const res = await fetchWithRetry(`${config.api}/subtree/${hash}`, undefined, {
        ...PRODUCTION_POLICY,
        signal: stop.signal,
      });
      const bytes = new Uint8Array(await res.arrayBuffer());
      const out: Uint8Array[] = [];
      for (let at = 0; at + 32 <= bytes.length; at += 32) out.push(bytes.subarray(at, at + 32));
      return out;
    })();
    nodeLists.set(hash, p);
  }
  return p;
};

// 200 peers share one JS thread: when it falls behind, their retry timers fire late and together,
// which changes what the server sees. Measured (with the server's own probe) so a run can tell
// that apart from the server.
const probe = new LoopStallProbe();
probe.start();

const start = performance.now();
const results = await Promise.all(
  config.plans.map((plan) =>
    runPeer(plan, {
      api: config.api,
      nodes,
      slowBytesPerS: config.slowBytesPerS,
      ...(config.maxAttempts ? { maxAttempts: config.maxAttempts } : {}),
      signal: stop.signal,
    }),
  ),
);
probe.stop();
const lag: LoopLag = { maxMs: probe.maxLateMs, stalls: probe.stalls };
const report: PeersReport = { results, wallMs: performance.now() - start, stopped: stop.signal.aborted, lag };
process.stdout.write(`${JSON.stringify(report)}\n`);
process.exit(0);
