import type { RunStats } from "../events.ts";

/** The final numbers of a run, printed either way (text or JSON). */
export interface Summary {
  outcome: "ok" | "failed" | "interrupted";
  exitCode: number;
  subtrees: number;
  subtreesFailed: number;
  blocks: number;
  txs: number;
  stored: number;
  bytes: number;
  retries: number;
  unavailable503: number;
  badPeers: string[];
  /** Peers dropped for stalling (`http_stall_timeout`). */
  stalledPeers: string[];
  seconds: number;
}

export function summarize(
  stats: RunStats,
  exitCode: number,
  interrupted: boolean,
  badPeers: string[],
  stalledPeers: string[] = [],
): Summary {
  return {
    outcome: interrupted ? "interrupted" : exitCode === 0 ? "ok" : "failed",
    exitCode,
    subtrees: stats.subtrees,
    subtreesFailed: stats.subtreesFailed,
    blocks: stats.blocks,
    txs: stats.txs,
    stored: stats.stored,
    bytes: stats.bytes,
    retries: stats.retries,
    unavailable503: stats.unavailable503,
    badPeers,
    stalledPeers,
    seconds: Math.round(stats.elapsedMs()) / 1000,
  };
}

export function formatSummary(s: Summary): string {
  const mb = (s.bytes / 1e6).toFixed(2);
  const rate = s.seconds > 0 ? (s.bytes / 1e6 / s.seconds).toFixed(1) : "0";
  return (
    `${s.outcome}: ${s.blocks ? `${s.blocks} block(s), ` : ""}${s.subtrees} subtree(s)` +
    `${s.subtreesFailed ? ` (${s.subtreesFailed} failed)` : ""}, ${s.txs} txs verified (${s.stored} stored), ` +
    `${mb} MB at ${rate} MB/s, ${s.retries} retries (${s.unavailable503} × 503), ${s.seconds.toFixed(2)} s` +
    `${s.badPeers.length ? `; bad peers: ${s.badPeers.join(", ")}` : ""}` +
    `${s.stalledPeers.length ? `; stalled peers: ${s.stalledPeers.join(", ")}` : ""}`
  );
}
