/** How often the probe's timer is due. */
export const TICK_MS = 100;
/** A tick at least this late counts as a stall: long enough to be felt by every client at once. */
export const STALL_MS = 250;

/**
 * Watches the event loop: a timer due every 100 ms notes how late it fires. Everything the server
 * does runs on that one loop, so while it is stopped (a synchronous fsync, a long synchronous
 * SQLite call, a long GC pause) no stream moves and no 503 is answered, for every client at once.
 * The storm benchmark showed build commits doing exactly that through `fsyncSync`; with this the
 * server's /metrics shows it (`subtreekit_event_loop_stalls_total`,
 * `subtreekit_event_loop_max_late_seconds`). The timer is unref'd: it never keeps a process alive.
 */
export class LoopStallProbe {
  /** Ticks that came at least {@link STALL_MS} late. */
  stalls = 0;
  /** The latest any tick came (ms) since the probe started. */
  maxLateMs = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  #last = 0;

  start(): void {
    if (this.#timer) return;
    this.#last = performance.now();
    this.#timer = setInterval(() => {
      const now = performance.now();
      const late = now - this.#last - TICK_MS;
      this.#last = now;
      if (late > this.maxLateMs) this.maxLateMs = late;
      if (late >= STALL_MS) this.stalls++;
    }, TICK_MS);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
