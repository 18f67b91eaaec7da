/** Options of {@link RetryBudget}. */
export interface RetryBudgetOptions {
  /** Share of requests that may be retried. Default 0.2 (20 %). */
  ratio?: number;
  /** Retries always allowed per second, so low-traffic callers can still retry. Default 10. */
  perSecond?: number;
  /** Most retries that can be saved up (burst). Default 100. */
  maxTokens?: number;
  /** Clock in ms; inject a fake one in tests. Default `Date.now`. */
  now?: () => number;
}

/** Tokens are kept in thousandths so 5 × 0.2 is exactly 1 (no float drift). */
const SCALE = 1000;

/**
 * A token bucket shared by every caller that talks to the same servers: each new request adds
 * `ratio` tokens, time adds `perSecond`, each retry takes one. When it is empty, retries stop,
 * so a fleet of clients cannot multiply a saturated server's load by `maxAttempts` (a retry
 * storm). After gRPC's retry throttling and the AWS SDK's retry quota.
 *
 * Starts with `perSecond` tokens.
 *
 * @example
 * ```ts
 * const budget = new RetryBudget({ ratio: 0.2, perSecond: 10 })
 * await fetchWithRetry(url, undefined, { budget }) // pass the same budget to every call
 * ```
 */
export class RetryBudget {
  readonly #perRequest: number;
  readonly #perMs: number;
  readonly #max: number;
  readonly #now: () => number;
  #tokens: number;
  #last: number;

  constructor(options: RetryBudgetOptions = {}) {
    const ratio = options.ratio ?? 0.2;
    const perSecond = options.perSecond ?? 10;
    const maxTokens = options.maxTokens ?? 100;
    if (!(ratio >= 0) || !(perSecond >= 0) || !(maxTokens >= 0))
      throw new RangeError("RetryBudget: ratio, perSecond and maxTokens must be >= 0");
    this.#perRequest = Math.round(ratio * SCALE);
    this.#perMs = perSecond; // perSecond * SCALE / 1000
    this.#max = Math.round(maxTokens * SCALE);
    this.#now = options.now ?? Date.now;
    this.#tokens = Math.min(Math.round(perSecond * SCALE), this.#max);
    this.#last = this.#now();
  }

  /** Retries that would be allowed right now (may be fractional). */
  get available(): number {
    this.#refill();
    return this.#tokens / SCALE;
  }

  /** Counts a new call (not a retry): funds `ratio` of a retry. */
  recordRequest(): void {
    this.#refill();
    this.#tokens = Math.min(this.#tokens + this.#perRequest, this.#max);
  }

  /** Takes one retry's worth of tokens; false (and takes nothing) when there is not enough. */
  tryRetry(): boolean {
    this.#refill();
    if (this.#tokens < SCALE) return false;
    this.#tokens -= SCALE;
    return true;
  }

  #refill(): void {
    const now = this.#now();
    const elapsed = now - this.#last;
    if (elapsed <= 0) return; // a clock going backwards adds nothing
    this.#last = now;
    this.#tokens = Math.min(this.#tokens + Math.round(elapsed * this.#perMs), this.#max);
  }
}
