import type { Jitter } from "./backoff.ts";
import type { HttpRetryError } from "./errors/http-retry-error.ts";
import type { RetryBudget } from "./retry-budget.ts";

/** Options of `fetchWithRetry`. Every field is optional; see the README for why each exists. */
export interface RetryOptions {
  /** Statuses that are retried. Default `[503]`; add 429 to retry rate limiting too. */
  retryOn?: readonly number[];
  /**
   * Statuses retried only when the response carries a usable `Retry-After` (e.g. `[429]`: a rate
   * limiter that says when to come back). Default `[]`. `retryOn` wins for a status in both.
   */
  retryWhenHinted?: readonly number[];
  /** Retry transport failures and per-attempt timeouts too. Default false. */
  retryNetworkErrors?: boolean;
  /** Requests at most, first one included. Default 6. */
  maxAttempts?: number;
  /** First backoff sleep. Default 250. */
  initialDelayMs?: number;
  /** Backoff ceiling (doubling stops here). Default 5000. */
  maxDelayMs?: number;
  /** Spread of each sleep. Default `"equal"`. */
  jitter?: Jitter;
  /** A longer `Retry-After` ends the retries at once. Default 30000. */
  maxRetryAfterMs?: number;
  /** Per attempt, including reading the returned body. Default 300000; `Infinity` for none. */
  timeoutMs?: number;
  /** Until a usable response (all attempts and sleeps). Default: none (`Infinity`). */
  totalTimeoutMs?: number;
  /** Cancels everything at once; the call rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Allow retrying POST/PATCH/... (the body must still be re-sendable). Default false. */
  retryNonIdempotent?: boolean;
  /** Shared retry budget; without one, retries are limited only by `maxAttempts`. */
  budget?: RetryBudget;
  /** Awaited before every attempt (e.g. a per-peer rate limiter). Its errors end the call as they are. */
  beforeAttempt?: (info: { attempt: number; signal: AbortSignal }) => void | Promise<void>;
  /** Called before each sleep, with the attempt that just failed. */
  onRetry?: (info: { attempt: number; delayMs: number; error: HttpRetryError }) => void;
  /** The fetch to use. Default `globalThis.fetch`. */
  fetch?: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** Test seam: sleeps between attempts. Must reject with `signal.reason` on abort. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Test seam: clock for HTTP-date `Retry-After`. Default `Date.now`. */
  now?: () => number;
  /** Test seam: uniform in [0, 1) for jitter. Default `Math.random`. */
  random?: () => number;
}

/** Checks numeric options up front, so a typo fails loudly instead of retrying oddly. */
export function checkOptions(o: RetryOptions): void {
  const positiveInt = (name: string, v: number | undefined) => {
    if (v !== undefined && !(Number.isInteger(v) && v >= 1))
      throw new RangeError(`fetchWithRetry: ${name} must be an integer >= 1, got ${v}`);
  };
  const nonNegative = (name: string, v: number | undefined) => {
    if (v !== undefined && !(v >= 0)) throw new RangeError(`fetchWithRetry: ${name} must be >= 0, got ${v}`);
  };
  const positive = (name: string, v: number | undefined) => {
    if (v !== undefined && !(v > 0)) throw new RangeError(`fetchWithRetry: ${name} must be > 0, got ${v}`);
  };
  positiveInt("maxAttempts", o.maxAttempts);
  nonNegative("initialDelayMs", o.initialDelayMs);
  nonNegative("maxDelayMs", o.maxDelayMs);
  nonNegative("maxRetryAfterMs", o.maxRetryAfterMs);
  positive("timeoutMs", o.timeoutMs);
  positive("totalTimeoutMs", o.totalTimeoutMs);
  if (o.jitter !== undefined && !["none", "full", "equal"].includes(o.jitter))
    throw new RangeError(`fetchWithRetry: jitter must be "none", "full" or "equal", got ${o.jitter}`);
}
