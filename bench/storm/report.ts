import type { LoopLag } from "./peers-main.ts";
import type { RunResult } from "./run-once.ts";
import { fmtBytes, fmtMiB, fmtS, percentile } from "./stats.ts";
import { formatTable } from "./table.ts";

/** Figures derived from a run that the table, the goals and the README all use. */
export function summarize(r: RunResult) {
  const ok = r.peers.filter((p) => p.ok);
  const times = ok.map((p) => p.ms);
  return {
    succeeded: ok.length,
    failed: r.peers.length - ok.length,
    retries: r.peers.reduce((n, p) => n + Math.max(0, p.attempts - 1), 0),
    peer503: r.peers.reduce((n, p) => n + p.got503, 0),
    /** Peers answered 503 at least once: with no queue, every peer whose subtree is neither built nor building when it asks at full cap. */
    peersWith503: r.peers.filter((p) => p.got503 > 0).length,
    /** The most requests one peer needed (6 = the production policy's last attempt). */
    maxAttempts: r.peers.reduce((n, p) => Math.max(n, p.attempts), 0),
    verifiedBytes: r.peers.reduce((n, p) => n + p.bytes, 0),
    distinct: new Set(r.peers.map((p) => p.subtree)).size,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    max: times.length ? Math.max(...times) : Number.NaN,
  };
}

/** Failure reasons, counted (each peer's error with its URL and hashes blanked, 120 characters). */
export function failureReasons(r: RunResult): [string, number][] {
  const counts = new Map<string, number>();
  for (const p of r.peers) {
    if (p.ok || !p.error) continue;
    const key = p.error
      .replace(/https?:\/\/\S+/g, "<url>")
      .replace(/[0-9a-f]{64}/g, "<hash>")
      .slice(0, 120);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]);
}

export interface Verdict {
  goal: string;
  /** undefined: a figure shown beside the goals, not one of them. */
  met: boolean | undefined;
  detail: string;
}

/**
 * The goals of issue 9, each with the measured figure that decides it. The memory goal is about
 * "the pre-fix behaviour": when the pre-fix re-creation ran, it decides the goal, and our own
 * server with the cap off (which still shares builds and bounds chunks in bytes) is shown for
 * information; without it, our cap-0 run is all there is and decides. The wide run (capped, a
 * flatter skew) is shown for information too: the follower goals are about the skewed load.
 */
export function verdicts(capped: RunResult, unlimited: RunResult, prefix?: RunResult, wide?: RunResult): Verdict[] {
  const c = summarize(capped);
  const wallRatio = capped.wallMs / unlimited.wallMs;
  const memory = (r: RunResult, what: string, judged: boolean): Verdict => {
    const ratio = r.peakBytes / capped.peakBytes;
    const met = r.stopped || ratio >= 5;
    return {
      goal: `${what}: peak RSS ≥ 5 × capped, or hit the safety limit`,
      met: judged ? met : undefined,
      detail: `${ratio.toFixed(2)} ×${r.stopped ? `, hit the limit at ${fmtS(r.stoppedAtMs ?? 0)}` : ""}`,
    };
  };
  const fewer503 = (r: RunResult, peersWith503: number, what: string, judged: boolean): Verdict => ({
    goal: `${what}: far fewer 503s than peers (< peers / 2)`,
    met: judged ? r.served503 < r.peers.length / 2 : undefined,
    detail: `${r.served503} 503s for ${r.peers.length} peers (${peersWith503} of them answered 503 at least once)`,
  });
  const w = wide && summarize(wide);
  return [
    {
      goal: "capped: every peer succeeds",
      met: c.failed === 0,
      detail: `${c.failed} of ${capped.peers.length} failed`,
    },
    {
      goal: "capped: peak RSS < 512 MiB",
      met: capped.peakBytes < 512 * 1024 * 1024,
      detail: fmtMiB(capped.peakBytes),
    },
    {
      goal: "capped: wall ≤ 1.5 × unlimited (or unlimited did not finish)",
      met: unlimited.stopped || wallRatio <= 1.5,
      detail: unlimited.stopped ? "unlimited was stopped at the safety limit" : `${wallRatio.toFixed(2)} ×`,
    },
    ...(prefix
      ? [
          memory(prefix, "unlimited, the pre-fix behaviour (the reference's path re-created)", true),
          memory(unlimited, "this server with cap 0 (for information)", false),
        ]
      : [memory(unlimited, "unlimited (this server, cap 0)", true)]),
    {
      goal: "capped followers: builds started ≤ distinct subtrees requested",
      met: capped.buildsStarted <= c.distinct,
      detail: `${capped.buildsStarted} builds, ${c.distinct} distinct subtrees`,
    },
    fewer503(capped, c.peersWith503, "capped followers", true),
    ...(wide && w
      ? [
          {
            goal: `wide skew, Zipf s=${wide.zipf} (for information): every peer succeeds`,
            met: undefined,
            detail: `${w.failed} of ${wide.peers.length} failed, peak ${fmtMiB(wide.peakBytes)}`,
          },
          fewer503(wide, w.peersWith503, `wide skew, Zipf s=${wide.zipf} (for information)`, false),
        ]
      : []),
  ];
}

/** How a verdict reads in the terminal and in docs/storm.md. */
export function verdictMark(v: Verdict, markdown: boolean): string {
  if (v.met === undefined) return markdown ? "(info)" : "info   ";
  if (v.met) return markdown ? "yes" : "met    ";
  return markdown ? "**no**" : "NOT met";
}

/** The server's /metrics answered within this long of the run's end: its figures are final. */
const FRESH_MS = 1500;

/** A figure from /metrics, starred when the server had stopped answering well before the end. */
function stale(r: RunResult, v: number | string): string {
  return r.metricsAgeMs < FRESH_MS ? String(v) : `${v} *`;
}

/** An event loop's worst lateness and its ticks ≥ 250 ms late. */
function fmtLag(lag: LoopLag): string {
  return `${(lag.maxMs / 1000).toFixed(2)} s / ${lag.stalls}`;
}

/** The runs side by side (text for the terminal, or Markdown for docs). */
export function comparisonTable(results: readonly RunResult[], markdown = false): string {
  const runs = results.map((r) => [r, summarize(r)] as const);
  const row = (name: string, f: (r: RunResult, s: ReturnType<typeof summarize>) => string) => [
    name,
    ...runs.map(([r, s]) => f(r, s)),
  ];
  const rows = [
    row("peak RSS (server + children)", (r) => fmtMiB(r.peakBytes)),
    row("  of which anonymous (RssAnon), peak", (r) => fmtMiB(r.peakAnonBytes)),
    row("RSS at end", (r) => (r.stopped ? "- (killed at the limit)" : fmtMiB(r.endBytes))),
    row("RSS at start", (r) => fmtMiB(r.baselineBytes)),
    row("stopped at safety limit", (r) => (r.stopped ? `yes, at ${fmtS(r.stoppedAtMs ?? 0)}` : "no")),
    row("peers succeeded / failed", (_, s) => `${s.succeeded} / ${s.failed}`),
    row("server /metrics last answered", (r) =>
      r.metricsAgeMs < FRESH_MS
        ? "at the end"
        : `${fmtS(r.metricsAgeMs)} before the end (figures marked * are from then)`,
    ),
    row("503s served (server /metrics)", (r) => stale(r, r.served503)),
    row("503s seen by peers", (_, s) => String(s.peer503)),
    row("peers answered 503 at least once", (_, s) => String(s.peersWith503)),
    row("retries made", (_, s) => String(s.retries)),
    row("most attempts by one peer", (_, s) => String(s.maxAttempts)),
    row("builds started (server /metrics)", (r) => stale(r, r.buildsStarted)),
    row("distinct subtrees requested", (_, s) => String(s.distinct)),
    row("requests that followed a build", (r) => stale(r, r.followed)),
    row("bytes served (server /metrics)", (r) => stale(r, fmtBytes(r.bytesServed))),
    row("bytes verified by peers", (_, s) => fmtBytes(s.verifiedBytes)),
    row("fetch time p50 (succeeded peers)", (_, s) => fmtS(s.p50)),
    row("fetch time p99", (_, s) => fmtS(s.p99)),
    row("fetch time max", (_, s) => fmtS(s.max)),
    row("wall time", (r) => fmtS(r.wallMs)),
    row("server CPU time", (r) => (r.serverCpuS === undefined ? "-" : `${r.serverCpuS.toFixed(1)} s`)),
    row("peers' process CPU time", (r) => (r.peersCpuS === undefined ? "-" : `${r.peersCpuS.toFixed(1)} s`)),
    row("server's event-loop lag: max / ticks ≥ 250 ms late", (r) =>
      r.serverLag ? stale(r, fmtLag(r.serverLag)) : "-",
    ),
    row("peers' event-loop lag: max / ticks ≥ 250 ms late", (r) => fmtLag(r.peersLag)),
    row("machine load average (1 min) at start", (r) => r.loadAvgAtStart.toFixed(1)),
  ];
  const header = ["", ...results.map((r) => `${r.label} (cap=${r.cap}, s=${r.zipf})`)];
  return formatTable(header, rows, markdown);
}
