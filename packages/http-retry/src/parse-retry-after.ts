import { parseHttpDate } from "./http-date.ts";

/**
 * Largest delay accepted, in seconds (2^33 s ≈ 272 years, as the reference's later versions cap
 * it): far above any sane hint, and the result in ms stays an exact integer.
 */
const MAX_SECONDS = 2 ** 33;

/**
 * Parses a `Retry-After` value (RFC 9110 §10.2.3) into milliseconds to wait from `now`, or
 * `undefined` when there is no usable hint.
 *
 * - delay-seconds is `1*DIGIT` exactly: `"1.5"`, `"1m"`, `"-1"`, `"+5"` and `" 5"` are
 *   malformed. (The reference's `Atoi` accepts `"+5"`; the grammar does not. A `Headers`
 *   object already strips surrounding whitespace, RFC 9110 §5.5, so `" 5"` here did not come
 *   from one.)
 * - `"0"` gives `undefined`, like the reference: a zero hint cannot slow anyone down, and
 *   honouring it would let a busy server's clients skip backoff and retry at once.
 * - An HTTP-date gives the time left until it; a date at or before `now` gives `undefined`.
 * - A huge number is capped at 2^33 seconds; callers compare it with their own ceiling.
 *
 * @example
 * ```ts
 * parseRetryAfter("30", Date.now()) // 30000
 * parseRetryAfter(new Date(Date.now() + 5000).toUTCString(), Date.now()) // ≈ 5000
 * parseRetryAfter("soon", Date.now()) // undefined
 * ```
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null || value === "") return undefined;
  if (/^\d+$/.test(value)) {
    const seconds = Math.min(Number(value), MAX_SECONDS);
    return seconds > 0 ? seconds * 1000 : undefined;
  }
  const at = parseHttpDate(value, now);
  if (at === undefined || at <= now) return undefined;
  return at - now;
}
