import type { AssetSettings } from "../settings.ts";
import { RetrySchedule } from "./retry-schedule.ts";

/**
 * Where the `Retry-After` of a full-cap 503 comes from, and whether a free create permit may be
 * taken now. `admit` asks it and tells it about builds; it holds no request and never waits.
 */
export interface RetryAfterPolicy {
  /** Seconds to send in `Retry-After` for a request of `hex` rejected at full create cap. */
  retryAfterS(hex: string): number;
  /**
   * Whether a request for `hex` may take one of the `free` create permits now. A policy may defer
   * a free permit briefly for another subtree whose peers it told to come back now (a bounded
   * deferral, never a queue: the refused request gets a 503 like at a full cap).
   */
  mayStart(hex: string, free: number): boolean;
  /** A build of `hex` took a create permit. */
  started(hex: string): void;
  /** The build of `hex` reports the share of its txs written (0–1) through `fraction`. */
  progress(hex: string, fraction: () => number): void;
  /** The build of `hex` gave its permit back; `ok` when it published its file. */
  ended(hex: string, ok: boolean): void;
}

/** The reference: always `Retry-After: s`, and a free permit goes to whoever asks first. */
export function constantRetryAfter(s: number): RetryAfterPolicy {
  return {
    retryAfterS: () => s,
    mayStart: (_hex, free) => free > 0,
    started() {},
    progress() {},
    ended() {},
  };
}

/**
 * The server's policy from its settings: the schedule (a virtual line, see `RetrySchedule`) unless
 * `asset_subtree_data_retry_after_max_s` ≤ `asset_subtree_data_retry_after_s`, which asks for the
 * reference's constant. `asset_subtree_data_retry_defer` turns the schedule's permit deferral off.
 */
export function retryAfterPolicy(settings: AssetSettings, cap: number, now?: () => number): RetryAfterPolicy {
  const minS = settings.asset_subtree_data_retry_after_s;
  const maxS = settings.asset_subtree_data_retry_after_max_s;
  if (maxS <= minS) return constantRetryAfter(minS);
  return new RetrySchedule({
    cap,
    minS,
    maxS,
    defer: settings.asset_subtree_data_retry_defer,
    ...(now ? { now } : {}),
  });
}
