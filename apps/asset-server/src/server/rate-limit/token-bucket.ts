/**
 * A token bucket of `rate` tokens per second holding at most `rate` (burst = rate, as the
 * reference's limiters). It keeps two numbers and refills lazily when asked, so a client that is
 * never seen again costs nothing but its memory until the LRU drops it.
 */
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    readonly rate: number,
    /** Time of creation (ms, any monotonic clock): the bucket starts full. */
    now: number,
  ) {
    this.#tokens = rate;
    this.#last = now;
  }

  /** Takes one token: 0 if there was one, else how many ms until there will be. */
  take(now: number): number {
    const tokens = Math.min(this.rate, this.#tokens + (Math.max(0, now - this.#last) * this.rate) / 1000);
    this.#last = now;
    if (tokens >= 1) {
      this.#tokens = tokens - 1;
      return 0;
    }
    this.#tokens = tokens;
    return ((1 - tokens) * 1000) / this.rate;
  }
}
