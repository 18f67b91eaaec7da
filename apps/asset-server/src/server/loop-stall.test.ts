import { describe, expect, test } from "bun:test";
import { LoopStallProbe, STALL_MS, TICK_MS } from "./loop-stall.ts";

/** Holds the event loop, as a synchronous fsync or SQLite call does. */
function blockFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

describe("LoopStallProbe", () => {
  test("a loop held for longer than the stall threshold is counted, with how late the tick came", async () => {
    const probe = new LoopStallProbe();
    probe.start();
    try {
      await Bun.sleep(TICK_MS * 2);
      const before = probe.stalls;
      // Held STALL_MS + 2 ticks: the tick due in that time fires at least STALL_MS late.
      blockFor(STALL_MS + 2 * TICK_MS);
      await Bun.sleep(TICK_MS * 2);
      expect(probe.stalls).toBeGreaterThanOrEqual(before + 1);
      expect(probe.maxLateMs).toBeGreaterThanOrEqual(STALL_MS);
    } finally {
      probe.stop();
    }
  });

  test("stop() ends the ticks: nothing is counted after it", async () => {
    const probe = new LoopStallProbe();
    probe.start();
    probe.stop();
    blockFor(STALL_MS + 2 * TICK_MS);
    await Bun.sleep(TICK_MS * 2);
    expect(probe.stalls).toBe(0);
    expect(probe.maxLateMs).toBe(0);
  });
});
