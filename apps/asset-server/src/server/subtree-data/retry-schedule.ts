import type { RetryAfterPolicy } from "./retry-after-policy.ts";

/** Options of {@link RetrySchedule}. */
export interface RetryScheduleOptions {
  /** Create permits (the cap); `Infinity` never rejects, so the schedule is never asked. */
  cap: number;
  /** The smallest Retry-After sent, and the one sent while no build runs to estimate from (seconds). */
  minS: number;
  /** The largest Retry-After sent (seconds); ≤ `minS` turns the schedule off: always `minS`. */
  maxS: number;
  /** Hold a free permit for a subtree whose moment has come (see `mayStart`). Default true. */
  defer?: boolean;
  /** Clock in ms (tests pass their own). */
  now?: () => number;
}

/** Weight of the newest build in the running average of build durations. */
const EWMA_WEIGHT = 0.3;
/** Subtrees remembered at most; beyond it the oldest are dropped. */
const MAX_WAITING = 10_000;
/** Build starts (while subtrees waited) over which the line's speed is averaged. */
const SPEED_WINDOW = 8;
/** A rejection this close to its subtree's moment counts as coming back at it (a hint under it would round to 0). */
const AT_MOMENT_MS = 500;
/** What each round of coming back into a full cap adds to a subtree's least hint. */
const ROUND_MS = 2000;
/** How long past its moment (beyond half its hint, the most equal jitter adds) a permit is held for a subtree. */
const HOLD_SLACK_MS = 250;
/** Share of its txs a build must have written before its pace is extrapolated (less is mostly set-up noise). */
const MIN_PROGRESS = 0.05;

/** A build holding a permit. */
interface Running {
  start: number;
  /** Share of its txs written so far (0–1), when the build reports it. */
  progress?: () => number;
}

/** A subtree in the line. */
interface Waiting {
  /** When it was last asked for (a request was rejected). */
  seen: number;
  /** The moment its peers were told to come back; 0 before the first hint. */
  due: number;
  /** How many times its peers came back at its moment and still met a full cap. */
  rounds: number;
  /** The hint that set `due` (ms): its peers come back up to half of it late (equal jitter). */
  hintMs: number;
}

/**
 * The `Retry-After` of a 503 at full create cap: when this server expects a permit to be free for
 * that subtree, instead of a constant. Why: with `Retry-After: 1` every rejected peer came back
 * each second, and under a storm the peers of rarely wanted subtrees spent all their attempts before
 * the distinct subtrees waiting got through the cap, so they failed (docs/storm.md).
 *
 * Rejected subtrees form a virtual line, in the order they were first rejected. A subtree's
 * moment is when the first running build is expected to end, plus one permit interval per subtree
 * ahead of it: average build time ÷ cap, or the average gap seen between build starts while
 * subtrees waited (over the last 8 such starts), if longer: permits sit idle until a peer comes
 * back. Every peer of a subtree rejected before that moment is told the time left until it, so
 * they come back together and one build serves them all (the rest follow it). Hints are relative
 * seconds: a moment recomputed per rejection would tell a peer rejected later a later moment, and
 * the peers of one subtree would drift apart and each spend attempts alone. A subtree that came
 * back and still met a full cap keeps its place, ahead of those rejected after it, and gets a new
 * moment. A subtree leaves the line when its build starts, or when nobody asked for it for longer
 * than a peer waits (`maxS` × 1.5 + 2 s: equal jitter adds up to half a hint). Nothing waits on
 * the server (still no queue): the line is one entry per rejected subtree, and a permit still goes
 * to whoever asks first when it frees, except that it is held briefly for a subtree whose moment
 * has come ({@link RetrySchedule.mayStart}).
 *
 * A running build that reports its progress ({@link RetrySchedule.progress}) is expected to end
 * when its pace so far says (age × left ÷ done, once 5 % is written): builds of one server differ
 * in size and slow down together under load, which an average of earlier builds does not see.
 * Until a build has finished, that extrapolation (or else the age of the longest-running build)
 * stands in for the average, never less than `minS`: in the first second of a storm the builds are
 * only milliseconds old, and an estimate from their age alone sent every peer back after 1 s to
 * meet a full cap again. When a subtree's
 * peers come back at its moment and still meet a full cap, the estimate was short: each such
 * round adds 2 s to the least hint it gets, so the 6 attempts of a peer (5 waits) cover a line
 * that moves slower than estimated.
 *
 * The hint is clamped to `maxS`, 5 s by default: reference (Go) peers ignore a Retry-After above
 * their 5 s backoff ceiling (spec teranode-peer §3.2), ours accept up to 30 s.
 */
export class RetrySchedule implements RetryAfterPolicy {
  readonly #cap: number;
  readonly #defer: boolean;
  readonly #minMs: number;
  readonly #maxMs: number;
  readonly #forgetMs: number;
  readonly #now: () => number;
  /** Running average of how long a create permit is held by a successful build (ms). */
  #buildMs: number | undefined;
  readonly #running = new Map<string, Running>();
  /** The line, in first-rejection order. */
  readonly #waiting = new Map<string, Waiting>();
  /** Times of the last build starts that happened while subtrees waited (oldest first). */
  readonly #busyStarts: number[] = [];

  constructor(o: RetryScheduleOptions) {
    this.#cap = Math.max(1, o.cap);
    this.#defer = o.defer ?? true;
    this.#minMs = o.minS * 1000;
    this.#maxMs = o.maxS * 1000;
    this.#forgetMs = this.#maxMs * 1.5 + 2000;
    this.#now = o.now ?? (() => performance.now());
  }

  /** Average build duration (ms), or `undefined` before the first build finished. */
  get buildMs(): number | undefined {
    return this.#buildMs;
  }

  /** Subtrees in the line now. */
  get waiting(): number {
    return this.#waiting.size;
  }

  /**
   * Average time between the last build starts that happened while subtrees waited (ms): how
   * fast the line really moves. Slower than `build time ÷ cap` whenever a permit sits idle until
   * the next peer comes back. Averaged over a window, not per gap: starts come in bursts (peers
   * of several subtrees come back at once), and a per-gap average forgets the idle time.
   */
  get startGapMs(): number | undefined {
    const n = this.#busyStarts.length;
    if (n < 2) return undefined;
    return ((this.#busyStarts[n - 1] as number) - (this.#busyStarts[0] as number)) / (n - 1);
  }

  /** A build of `hex` took a permit: it leaves the line, and its end is now expected. */
  started(hex: string): void {
    const now = this.#now();
    if (this.#waiting.size > 0) {
      this.#busyStarts.push(now);
      if (this.#busyStarts.length > SPEED_WINDOW) this.#busyStarts.shift();
    } else {
      this.#busyStarts.length = 0; // nobody waited: an idle stretch says nothing about the speed
    }
    this.#waiting.delete(hex);
    this.#running.set(hex, { start: now });
  }

  /** The build of `hex` (started) reports the share of its txs written, 0–1, through `fraction`. */
  progress(hex: string, fraction: () => number): void {
    const running = this.#running.get(hex);
    if (running) running.progress = fraction;
  }

  /** The build of `hex` gave its permit back; only a complete one says how long builds take. */
  ended(hex: string, ok: boolean): void {
    const running = this.#running.get(hex);
    this.#running.delete(hex);
    if (!ok || running === undefined) return;
    const ms = this.#now() - running.start;
    this.#buildMs = this.#buildMs === undefined ? ms : this.#buildMs + EWMA_WEIGHT * (ms - this.#buildMs);
  }

  /** Seconds to send in `Retry-After` for a request of `hex` rejected at full cap. */
  retryAfterS(hex: string): number {
    if (this.#maxMs <= this.#minMs) return this.#minMs / 1000;
    const now = this.#now();
    const { waiting, ahead } = this.#place(hex, now);
    // Another peer of a subtree already told when to come back: the same moment.
    if (waiting.due - now > AT_MOMENT_MS) return this.#seconds(waiting.due - now);
    // Its peers came back at the moment and met a full cap: the estimate was short.
    if (waiting.due > 0) waiting.rounds++;
    // Before any build finished: the running builds' pace, else the longest-running one's age (a
    // lower bound), and at least the constant hint.
    const buildMs = this.#buildMs ?? Math.max(this.#minMs, this.#runningEstimate(now));
    // One subtree per permit interval at best; slower when the line was seen to move slower.
    const perSubtree = Math.max(buildMs / this.#cap, this.startGapMs ?? 0);
    let ms = this.#untilPermitFree(now, buildMs) + ahead * perSubtree;
    // Grow the hint by 2 s per round, so a peer's attempts outlast a line slower than estimated.
    ms = Math.max(ms, waiting.rounds * ROUND_MS);
    const seconds = this.#seconds(ms);
    waiting.due = now + seconds * 1000;
    waiting.hintMs = seconds * 1000;
    return seconds;
  }

  /**
   * Whether a request for `hex` may take one of the `free` create permits now. A free permit is
   * held for a subtree ahead of `hex` in the line whose moment has come: its peers were told to
   * come back now, and equal jitter brings them up to half their hint late, so it is held from
   * the moment until half a hint (+ 250 ms) after it, and no longer. Without this a freed permit
   * went to whoever asked first, and a subtree first in line could be overtaken round after round
   * until its peers ran out of attempts (docs/storm.md). Only as many due subtrees as there are free
   * permits are served ahead; nothing waits on the server either way, a refused request is
   * answered 503 like at a full cap.
   */
  mayStart(hex: string, free: number): boolean {
    if (free <= 0) return false;
    // The schedule is off, or deferral is: first come, first served.
    if (this.#maxMs <= this.#minMs || !this.#defer) return true;
    const now = this.#now();
    let due = 0;
    for (const [k, w] of this.#waiting) {
      if (k === hex) break;
      if (w.due > 0 && w.due <= now && now <= w.due + w.hintMs / 2 + HOLD_SLACK_MS && ++due >= free) return false;
    }
    return true;
  }

  /** `ms` as whole seconds in [minS, maxS]. Rounded, not up: a peer adds its jitter on top, and a permit left idle is wasted. */
  #seconds(ms: number): number {
    return Math.round(Math.min(this.#maxMs, Math.max(this.#minMs, ms)) / 1000);
  }

  /** Puts `hex` in the line (at the end if new): its entry, and how many live subtrees are ahead. */
  #place(hex: string, now: number): { waiting: Waiting; ahead: number } {
    let ahead = 0;
    for (const [k, w] of this.#waiting) {
      if (k === hex) break;
      if (now - w.seen > this.#forgetMs)
        this.#waiting.delete(k); // its peers gave up or got it elsewhere
      else ahead++;
    }
    let waiting = this.#waiting.get(hex);
    if (waiting === undefined) {
      if (this.#waiting.size >= MAX_WAITING) {
        const oldest = this.#waiting.keys().next();
        if (!oldest.done) this.#waiting.delete(oldest.value);
      }
      waiting = { seen: now, due: 0, rounds: 0, hintMs: 0 };
      this.#waiting.set(hex, waiting);
    } else {
      waiting.seen = now; // an existing key keeps its place in a Map
    }
    return { waiting, ahead };
  }

  /** A running build's expected total duration from its pace (ms), or undefined before 5 % is written. */
  #paced(r: Running, now: number): number | undefined {
    const done = r.progress?.() ?? 0;
    return done >= MIN_PROGRESS ? (now - r.start) / Math.min(1, done) : undefined;
  }

  /** Running builds' expected duration, averaged over those with a pace, else the oldest one's age (ms; 0 when none runs). */
  #runningEstimate(now: number): number {
    let paced = 0;
    let n = 0;
    let oldest = 0;
    for (const r of this.#running.values()) {
      oldest = Math.max(oldest, now - r.start);
      const ms = this.#paced(r, now);
      if (ms !== undefined) {
        paced += ms;
        n++;
      }
    }
    return n > 0 ? paced / n : oldest;
  }

  /** Expected ms until the first running build ends: by its pace, else by `buildMs` (0 once one overran it). */
  #untilPermitFree(now: number, buildMs: number): number {
    let soonest = Number.POSITIVE_INFINITY;
    for (const r of this.#running.values())
      soonest = Math.min(soonest, r.start + (this.#paced(r, now) ?? buildMs) - now);
    return Number.isFinite(soonest) ? Math.max(0, soonest) : 0;
  }
}
