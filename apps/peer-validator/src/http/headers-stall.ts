/** True when `ms` is a stall timeout to arm: 0 turns it off, and a timer cannot hold more than 2^31−1 ms. */
export function stallArmed(ms: number): boolean {
  return ms > 0 && ms <= 2 ** 31 - 1;
}

/** Marks whether an attempt's headers stalled; one per request, read when the request failed. */
export interface StallFlag {
  stalled: boolean;
}

/**
 * A fetch for `fetchWithRetry`'s `fetch` option whose response headers must arrive within
 * `stallMs` of each attempt's start: a peer that accepts the connection and says nothing is a
 * stall, not something to wait the whole attempt budget for. The timer stops at the headers;
 * the body has its own per-read stall timer (bodyChunks).
 */
export function fetchWithHeadersStall(stallMs: number, flag: StallFlag) {
  if (!stallArmed(stallMs)) return (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init);
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const stall = new AbortController();
    const timer = setTimeout(() => {
      flag.stalled = true;
      stall.abort(new DOMException(`no response headers within ${stallMs} ms`, "TimeoutError"));
    }, stallMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, stall.signal]) : stall.signal;
    try {
      return await fetch(input, { ...init, signal });
    } finally {
      clearTimeout(timer);
    }
  };
}
