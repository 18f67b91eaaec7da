/**
 * How each sleep is spread: `"none"` sleeps exactly the computed delay; `"full"` picks uniformly
 * in [0, d]; `"equal"` picks uniformly in [d/2, d], keeping at least half the backoff while still
 * spreading clients that failed at the same moment.
 */
export type Jitter = "none" | "full" | "equal";

/** Inputs of {@link backoffDelay}. */
export interface BackoffOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  jitter: Jitter;
  /** Uniform in [0, 1), like `Math.random`. */
  random: () => number;
}

/**
 * Sleep before retry number `retry` (1 = after the first failed attempt): `initialDelayMs`
 * doubled per retry, capped at `maxDelayMs`, then jittered.
 *
 * @example
 * ```ts
 * const o = { initialDelayMs: 250, maxDelayMs: 5000, jitter: "none", random: Math.random } as const
 * ;[1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, o)) // [250, 500, 1000, 2000, 4000, 5000]
 * ```
 */
export function backoffDelay(retry: number, options: BackoffOptions): number {
  const d = Math.min(options.initialDelayMs * 2 ** (retry - 1), options.maxDelayMs);
  return applyJitter(d, options.jitter, options.random);
}

function applyJitter(d: number, jitter: Jitter, random: () => number): number {
  switch (jitter) {
    case "none":
      return d;
    case "full":
      return Math.round(random() * d);
    case "equal":
      return Math.round(d / 2 + (random() * d) / 2);
  }
}

/**
 * Sleep for a server's `Retry-After` hint. Never earlier than asked (RFC 9110 §10.2.3); with
 * jitter on, up to 50 % later, so the clients one 503 burst turned away do not all come back in
 * the same millisecond. Never above `maxMs`.
 */
export function retryAfterDelay(hintMs: number, jitter: Jitter, random: () => number, maxMs: number): number {
  const spread = jitter === "none" ? 0 : random() * hintMs * 0.5;
  return Math.min(Math.round(hintMs + spread), Math.max(maxMs, hintMs));
}
