/** Options of {@link RetrySchedule}. */
export interface RetryScheduleOptions {
  /** Create permits (the cap); `Infinity` never rejects, so the schedule is never asked. */
  cap: number;
  /** The smallest Retry-After sent, and the only one while no build has finished yet (seconds). */
  minS: number;
  /** The largest Retry-After sent (seconds); ≤ `minS` turns the schedule off: always `minS`. */
  maxS: number;
  /** Clock in ms (tests pass their own). */
  now?: () => number;
}

/** Weight of the newest build in the running average of build durations. */
const EWMA_WEIGHT = 0.3;
/** Slots remembered at most; beyond it, expired ones are dropped (then all, if still full). */
const MAX_SLOTS = 10_000;
/** A slot this far in the past is forgotten when the map is pruned. */
const SLOT_TTL_MS = 60_000;

/**
 * The `Retry-After` of a 503 at full create cap: when this server expects a permit to be free for
 * that subtree, instead of a constant. Why: with `Retry-After: 1` every rejected peer came back
 * each second, and in the storm benchmark the peers of rarely wanted subtrees spent all 6 attempts
 * (~6 s) while the queue of distinct subtrees took ~15 s to drain, so they failed.
 *
 * Each rejected subtree gets a slot: the first time, behind the slots already given out, spaced by
 * the average build duration ÷ the cap; peers of one subtree share its slot, so they come back
 * together and one build serves them all (the rest follow it). A subtree that comes back at its
 * slot and still meets a full cap goes ahead of new ones: its next hint is the soonest a running
 * build is expected to end. Nothing waits on the server (still no queue): a slot is a number per
 * rejected subtree, and the hint is a hint — a permit goes to whoever asks first when it frees.
 *
 * The hint is clamped to `maxS`, 5 s by default: reference (Go) peers ignore a Retry-After above
 * their 5 s backoff ceiling (spec teranode-peer §3.2), ours accept up to 30 s.
 */
export class RetrySchedule {
  readonly #cap: number;
  readonly #minMs: number;
  readonly #maxMs: number;
  readonly #now: () => number;
  /** Running average of successful build durations (ms); unknown until one finished. */
  #buildMs: number | undefined;
  readonly #running = new Map<string, number>();
  readonly #slots = new Map<string, number>();
  #next = 0;

  constructor(o: RetryScheduleOptions) {
    this.#cap = Math.max(1, o.cap);
    this.#minMs = o.minS * 1000;
    this.#maxMs = o.maxS * 1000;
    this.#now = o.now ?? (() => performance.now());
  }

  /** Average duration of the builds that finished (ms), or `undefined` before the first. */
  get buildMs(): number | undefined {
    return this.#buildMs;
  }

  /** A build of `hex` started: its slot is used up, and its end is now expected. */
  started(hex: string): void {
    this.#slots.delete(hex);
    this.#running.set(hex, this.#now());
  }

  /** A build of `hex` ended; only a complete one says how long builds take. */
  ended(hex: string, ok: boolean): void {
    const start = this.#running.get(hex);
    this.#running.delete(hex);
    if (!ok || start === undefined) return;
    const ms = this.#now() - start;
    this.#buildMs = this.#buildMs === undefined ? ms : this.#buildMs + EWMA_WEIGHT * (ms - this.#buildMs);
  }

  /** Seconds to send in `Retry-After` for a request of `hex` rejected at full cap. */
  retryAfterS(hex: string): number {
    const minS = this.#minMs / 1000;
    if (this.#maxMs <= this.#minMs || this.#buildMs === undefined) return minS;
    const now = this.#now();
    const due = this.#slots.get(hex);
    // Peers of a subtree that already has a slot ahead: the same slot.
    if (due !== undefined && due - now >= this.#minMs) return this.#seconds(due - now);
    const soonest = now + this.#untilPermitFree(now);
    let at: number;
    if (due === undefined) {
      at = Math.max(soonest, this.#next);
      this.#next = at + this.#buildMs / this.#cap;
    } else {
      at = soonest; // back at its slot and still full: next permit, ahead of new subtrees
    }
    at = Math.max(at, now + this.#minMs);
    this.#remember(hex, at, now);
    return this.#seconds(at - now);
  }

  /** Expected ms until the first running build ends (0 once one overran the average). */
  #untilPermitFree(now: number): number {
    const buildMs = this.#buildMs ?? 0;
    let soonest = Number.POSITIVE_INFINITY;
    for (const start of this.#running.values()) soonest = Math.min(soonest, start + buildMs - now);
    return Number.isFinite(soonest) ? Math.max(0, soonest) : 0;
  }

  #seconds(ms: number): number {
    return Math.ceil(Math.min(this.#maxMs, Math.max(this.#minMs, ms)) / 1000);
  }

  #remember(hex: string, at: number, now: number): void {
    if (this.#slots.size >= MAX_SLOTS) {
      for (const [k, due] of this.#slots) if (due < now - SLOT_TTL_MS) this.#slots.delete(k);
      if (this.#slots.size >= MAX_SLOTS) this.#slots.clear();
    }
    this.#slots.set(hex, at);
  }
}
