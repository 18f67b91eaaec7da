import { treeMem } from "./rss.ts";

/** One reading: ms since the sampler started; VmRSS (`bytes`), RssAnon and RssFile of the tree. */
export interface RssSample {
  tMs: number;
  bytes: number;
  anon: number;
  file: number;
}

/**
 * Reads the process tree's RSS from /proc every `intervalMs` (default 100) until stopped or the
 * process is gone. `onSample` runs after each reading, so a safety limit can stop the run within
 * one interval of being crossed. It runs in the benchmark's main process, which does no other
 * work during a run (the peers live in their own process), so the timer is not starved.
 */
export class RssSampler {
  readonly samples: RssSample[] = [];
  readonly #pid: number;
  readonly #start = performance.now();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(pid: number, options: { intervalMs?: number; onSample?: (s: RssSample) => void } = {}) {
    this.#pid = pid;
    const tick = () => {
      const m = treeMem(this.#pid);
      if (m === undefined) return this.stop();
      const s = { tMs: performance.now() - this.#start, bytes: m.rss, anon: m.anon, file: m.file };
      this.samples.push(s);
      options.onSample?.(s);
    };
    tick();
    this.#timer = setInterval(tick, options.intervalMs ?? 100);
  }

  get peakBytes(): number {
    let peak = 0;
    for (const s of this.samples) peak = Math.max(peak, s.bytes);
    return peak;
  }

  get peakAnon(): number {
    let peak = 0;
    for (const s of this.samples) peak = Math.max(peak, s.anon);
    return peak;
  }

  get lastBytes(): number {
    return this.samples.at(-1)?.bytes ?? 0;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
