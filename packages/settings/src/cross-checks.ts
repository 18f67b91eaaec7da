import type { Settings } from "./schema.ts";

/** A rule between two settings, reported on `key` (with the other key named in `expected`). */
export interface CrossCheck {
  readonly key: keyof Settings;
  readonly other: keyof Settings;
  readonly ok: (s: Settings) => boolean;
  readonly expected: string;
}

/**
 * Combinations that each parse but cannot work together. Checked only once both keys parsed,
 * so one typo does not produce two issues.
 */
export const crossChecks: readonly CrossCheck[] = [
  {
    key: "peer_retry_initial_delay_ms",
    other: "peer_retry_max_delay_ms",
    ok: (s) => s.peer_retry_initial_delay_ms <= s.peer_retry_max_delay_ms,
    expected: "expected ≤ peer_retry_max_delay_ms (the backoff starts below its cap)",
  },
];
