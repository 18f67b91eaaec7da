import { fetchWithRetry, findHttpRetryError, type NetworkError } from "@subtreekit/http-retry";
import { PeerError, type PeerErrorCode } from "../errors/peer-error.ts";
import type { Session } from "../session.ts";
import { fetchWithHeadersStall } from "./headers-stall.ts";

export interface PeerResponse {
  response: Response;
  url: string;
  /** performance.now() by which the body must be read (the attempt's budget). */
  deadline: number;
  /** Longest wait for one body read (`http_stall_timeout`). */
  stallMs: number;
}

/**
 * One request to one peer with the run's retry policy: 503 retried, and 429 when it carries
 * Retry-After (any 429 with `--retry-429`), backoff and Retry-After from `peer_retry_*`, equal
 * jitter, the run's shared RetryBudget, `budgetMs` per attempt (default `--timeout`), and headers
 * that must come within `http_stall_timeout`. Every failure comes back as a PeerError so the pool
 * can move to the next peer; cancellation comes back as the signal's reason.
 */
export async function peerFetch(
  s: Session,
  peer: string,
  path: string,
  init?: { method?: "GET" | "POST"; body?: Uint8Array; budgetMs?: number },
): Promise<PeerResponse> {
  const url = `${peer}${path}`;
  const timeoutMs = init?.budgetMs ?? s.timeoutMs;
  const stallMs = s.settings.http_stall_timeout;
  const flag = { stalled: false };
  try {
    const response = await fetchWithRetry(
      url,
      init?.body
        ? {
            method: init.method ?? "POST",
            body: init.body as Uint8Array<ArrayBuffer>,
            headers: { "content-type": "application/octet-stream" },
          }
        : undefined,
      {
        retryOn: s.retryOn,
        // a 429 that says when to come back is waited out like a 503 (the reference's later
        // wrapper); one with no hint is retried only with --retry-429
        retryWhenHinted: [429],
        maxAttempts: s.settings.peer_retry_max_attempts,
        initialDelayMs: s.settings.peer_retry_initial_delay_ms,
        maxDelayMs: s.settings.peer_retry_max_delay_ms,
        maxRetryAfterMs: s.settings.peer_retry_max_retry_after_ms,
        jitter: "equal",
        timeoutMs,
        fetch: fetchWithHeadersStall(stallMs, flag),
        signal: s.signal,
        budget: s.budget,
        // POST /subtree/:hash/txs only reads: re-sending it is safe
        retryNonIdempotent: true,
        onRetry: ({ attempt, delayMs, error }) =>
          s.emit({
            type: "retry",
            url,
            peer,
            status: (error as { status?: number }).status,
            attempt,
            delayMs: Math.round(delayMs),
          }),
      },
    );
    return { response, url, deadline: performance.now() + timeoutMs, stallMs };
  } catch (err) {
    if (s.signal.aborted) throw s.signal.reason;
    const known = findHttpRetryError(err);
    if (!known) throw err;
    if (flag.stalled && known.code === "NETWORK")
      throw new PeerError(
        "STALLED",
        `${url}: no response headers within http_stall_timeout (${stallMs} ms)`,
        {
          peer,
          url,
        },
        { cause: err },
      );
    const code: PeerErrorCode =
      known.code === "NOT_FOUND"
        ? "NOT_FOUND"
        : known.code === "SERVICE_UNAVAILABLE" || known.code === "TOO_MANY_REQUESTS"
          ? "UNAVAILABLE"
          : known.code === "NETWORK"
            ? (known as NetworkError).timedOut
              ? "TIMEOUT"
              : "NETWORK"
            : "HTTP_STATUS";
    const tail =
      code === "UNAVAILABLE"
        ? ` (after ${known.attempts} attempt(s)${known.budgetExhausted ? ", retry budget exhausted" : ""}${
            known.retryAfterMs !== undefined ? `, Retry-After ${Math.round(known.retryAfterMs / 1000)} s` : ""
          })`
        : "";
    throw new PeerError(
      code,
      `${known.message}${tail}`,
      { peer, url, status: (known as { status?: number }).status },
      { cause: err },
    );
  }
}
