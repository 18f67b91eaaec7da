import { fetchWithRetry, type HttpRetryError, sleep } from "../../packages/http-retry/src/index.ts";
import { readSubtreeDataBatches } from "../../packages/subtree-stream/src/index.ts";
import { pacedBody } from "./paced-body.ts";

/** What one peer will do; decided up front from the seed so both runs get the same load. */
export interface PeerPlan {
  id: number;
  /** Display hex of the subtree it wants. */
  subtree: string;
  /** Reads the body at `slowBytesPerS` instead of as fast as it can. */
  slow: boolean;
  /** Delay before its first request, so the burst is spread like an announcement reaching peers. */
  startDelayMs: number;
}

export interface PeerResult {
  id: number;
  subtree: string;
  slow: boolean;
  ok: boolean;
  /** `name: message` of the failure. */
  error?: string;
  /** From its first subtree_data request to the verified end (or the failure). */
  ms: number;
  /** Verified body bytes received. */
  bytes: number;
  txs: number;
  /** Requests made for subtree_data (1 = no retry). */
  attempts: number;
  /** 503s this peer was answered (each retried one, plus a final one if it gave up on 503). */
  got503: number;
}

/**
 * The production retry policy of DESIGN.md "Peer side" / settings `peer_retry_*`: only 503 is
 * retried, 250 ms doubling to 5 s, 6 attempts, Retry-After honoured, equal jitter; 300 s per
 * attempt (`http_streaming_timeout`).
 */
export const PRODUCTION_POLICY = {
  retryOn: [503],
  maxAttempts: 6,
  initialDelayMs: 250,
  maxDelayMs: 5000,
  jitter: "equal",
  timeoutMs: 300_000,
} as const;

/**
 * One peer: waits its start delay, asks for the subtree's data with `fetchWithRetry`, and reads
 * it through `readSubtreeDataBatches`, which checks every txid against the subtree's nodes and
 * the count at the end — so "ok" means a complete, verified subtree, and a truncated transfer is
 * a failure, never a short success.
 */
export async function runPeer(
  plan: PeerPlan,
  options: {
    api: string;
    nodes: (hash: string) => Promise<Uint8Array[]>;
    slowBytesPerS: number;
    /** Overrides `PRODUCTION_POLICY.maxAttempts` (an experiment, never the default). */
    maxAttempts?: number;
    signal: AbortSignal;
  },
): Promise<PeerResult> {
  const result: PeerResult = {
    id: plan.id,
    subtree: plan.subtree,
    slow: plan.slow,
    ok: false,
    ms: 0,
    bytes: 0,
    txs: 0,
    attempts: 0,
    got503: 0,
  };
  let start = performance.now();
  try {
    await sleep(plan.startDelayMs, options.signal);
    const nodes = await options.nodes(plan.subtree);
    start = performance.now();
    const res = await fetchWithRetry(`${options.api}/subtree_data/${plan.subtree}`, undefined, {
      ...PRODUCTION_POLICY,
      ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
      signal: options.signal,
      beforeAttempt: ({ attempt }) => {
        result.attempts = attempt;
      },
      onRetry: ({ error }) => {
        if ((error as HttpRetryError & { status?: number }).status === 503) result.got503++;
      },
    });
    if (!res.body) throw new Error("200 without a body");
    const body = plan.slow ? pacedBody(res.body, options.slowBytesPerS, options.signal) : res.body;
    for await (const batch of readSubtreeDataBatches(body, nodes, { signal: options.signal })) {
      result.txs += batch.length;
      for (const tx of batch) result.bytes += tx.bytes.byteLength;
    }
    result.ok = true;
  } catch (error) {
    const e = error as Error & { status?: number };
    if (e?.status === 503) result.got503++;
    result.error = `${e?.name ?? "Error"}: ${e?.message ?? String(error)}`.slice(0, 300);
  }
  result.ms = performance.now() - start;
  return result;
}
