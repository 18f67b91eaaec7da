import { describe, expect, test } from "bun:test";
import { RetrySchedule } from "./retry-schedule.ts";

/** A schedule on a clock the test moves by hand. */
function scheduleAt(o: { cap: number; minS?: number; maxS?: number }) {
  const clock = { t: 0 };
  const s = new RetrySchedule({ cap: o.cap, minS: o.minS ?? 1, maxS: o.maxS ?? 30, now: () => clock.t });
  return { s, clock };
}

/** One build of `ms` that ended: the schedule now knows how long builds take. */
function learn(s: RetrySchedule, clock: { t: number }, ms: number): void {
  s.started("learn");
  clock.t += ms;
  s.ended("learn", true);
}

describe("RetrySchedule", () => {
  test("before any build finished, builds take at least minS, or the oldest running build's age if longer", () => {
    const { s, clock } = scheduleAt({ cap: 2, minS: 1 });
    expect(s.retryAfterS("x")).toBe(1); // nothing runs: nothing to go by
    s.started("x"); // x got a permit: it leaves the line
    // x is 0 ms old: assumed to take 1 s (minS), not 0 (which sent every peer back after 1 s).
    expect(s.retryAfterS("y")).toBe(1); // x's end
    expect(s.retryAfterS("z")).toBe(2); // + 1 s ÷ 2 permits: 1.5 s
    clock.t += 4000; // x has run 4 s: builds take ≥ 4 s, a permit every 2 s
    expect(s.retryAfterS("v")).toBe(4); // x "ends" now; y and z ahead: 2 × 2 s
    expect(s.buildMs).toBeUndefined();
  });

  test("a running build that reports its pace is expected to end when its pace says, once 5 % is written", () => {
    const { s, clock } = scheduleAt({ cap: 1, minS: 1 });
    let done = 0;
    s.started("a");
    s.progress("a", () => done);
    clock.t = 400;
    done = 0.02; // under 5 %: set-up noise, not a pace; a lasts ≥ 1 s (minS): 0.6 s left
    expect(s.retryAfterS("x")).toBe(1);
    done = 0.2; // 20 % in 0.4 s: a ends at 2 s, 1.6 s from now (by age alone: 0.6 s)
    expect(s.retryAfterS("y")).toBe(4); // a's end + one build (2 s) for x ahead: 3.6 s
    clock.t = 1000;
    done = 0.5; // faster than it was: ends at 2 s
    expect(s.retryAfterS("z")).toBe(5); // 1 s left + 2 builds of 2 s ahead
  });

  test("a build's pace overrides the average of finished builds (builds differ in size and slow down together)", () => {
    const { s, clock } = scheduleAt({ cap: 1, minS: 1, maxS: 30 });
    learn(s, clock, 1000); // finished builds took 1 s
    const t0 = clock.t;
    s.started("big");
    s.progress("big", () => 0.1);
    clock.t = t0 + 1000; // 10 % in 1 s: 9 s left, where the average says it is already over
    expect(s.retryAfterS("x")).toBe(9);
    clock.t = t0 + 10_000;
    s.ended("big", true);
    expect(s.buildMs).toBeGreaterThan(1000); // the finished build teaches the average as before
  });

  test("every peer of a subtree rejected before its moment is told the time left until that moment", () => {
    const { s, clock } = scheduleAt({ cap: 1 });
    learn(s, clock, 4000);
    const t0 = clock.t;
    s.started("a");
    expect(s.retryAfterS("x")).toBe(4); // a's end: x's moment is t0 + 4 s
    clock.t = t0 + 1000;
    expect(s.retryAfterS("x")).toBe(3);
    // a ends early and another subtree's peer takes the permit first: the estimate for x is now
    // t0 + 5.4 s, but x's first peer comes back at t0 + 4 s. A later peer of x is told the same
    // moment, so x's peers come back together instead of one by one, each spending an attempt.
    clock.t = t0 + 2000;
    s.ended("a", true); // average 3.4 s
    s.started("b");
    clock.t = t0 + 2500;
    expect(s.retryAfterS("x")).toBe(2); // 1.5 s left, rounded
    // At the moment, still a full cap: a round (+2 s), and a new moment for every peer of x.
    clock.t = t0 + 4000;
    expect(s.retryAfterS("x")).toBe(2);
    clock.t = t0 + 4700;
    expect(s.retryAfterS("x")).toBe(1); // 1.3 s left
  });

  test("distinct rejected subtrees get successive moments, one permit interval (build time ÷ cap) apart; one subtree keeps its place", () => {
    const { s, clock } = scheduleAt({ cap: 2 });
    learn(s, clock, 4000); // average build: 4 s
    const t0 = clock.t;
    s.started("a");
    clock.t = t0 + 1000;
    s.started("b"); // a ends ~t0+4000, b ~t0+5000
    clock.t = t0 + 2000;
    expect(s.retryAfterS("x")).toBe(2); // a's expected end
    expect(s.retryAfterS("y")).toBe(4); // + 4 s ÷ 2 permits
    expect(s.retryAfterS("z")).toBe(6);
    // Another peer of x, 500 ms later: the same slot, not the back of the queue.
    clock.t = t0 + 2500;
    expect(s.retryAfterS("x")).toBe(2);
    expect(s.retryAfterS("y")).toBe(4);
  });

  test("a subtree that came back and still meets a full cap stays ahead of those rejected after it", () => {
    const { s, clock } = scheduleAt({ cap: 1 });
    learn(s, clock, 3000);
    const t0 = clock.t;
    s.started("a");
    expect(s.retryAfterS("x")).toBe(3);
    expect(s.retryAfterS("y")).toBe(6);
    // a overran: x comes back at its slot and is rejected again.
    clock.t = t0 + 3000;
    expect(s.retryAfterS("x")).toBe(2); // the soonest a permit can free, not behind y (+ 2 s for the round)
    expect(s.retryAfterS("new")).toBe(6); // behind x and y: two permit intervals
  });

  test("the hint is clamped to maxS but the place is kept: coming back early gets the rest", () => {
    const { s, clock } = scheduleAt({ cap: 1, maxS: 5 });
    learn(s, clock, 4000);
    s.started("a");
    expect(s.retryAfterS("x")).toBe(4);
    expect(s.retryAfterS("y")).toBe(5); // 8 s, clamped
    clock.t += 5000; // a overran its 4 s; x is still ahead of y
    expect(s.retryAfterS("y")).toBe(4);
  });

  test("a subtree nobody asked for longer than a peer waits leaves the line", () => {
    const { s, clock } = scheduleAt({ cap: 1, maxS: 5 });
    learn(s, clock, 4000);
    s.started("a");
    expect(s.retryAfterS("gone")).toBe(4);
    expect(s.retryAfterS("y")).toBe(5);
    expect(s.waiting).toBe(2);
    clock.t += 9000; // "gone" last asked 9 s ago; a peer waits at most 5 s × 1.5
    expect(s.retryAfterS("y")).toBe(4); // "gone" (asked 9 s ago, < 9.5 s) is still ahead: a overran, + 1 interval
    expect(s.waiting).toBe(2);
    clock.t += 600; // now > 9.5 s since "gone" was asked
    expect(s.retryAfterS("z")).toBe(4); // only y ahead (with "gone" too it would be 8 s, clamped to 5)
    expect(s.waiting).toBe(2);
  });

  test("a start takes the subtree out of the line; a failed build does not teach the average", () => {
    const { s, clock } = scheduleAt({ cap: 1 });
    learn(s, clock, 2000);
    expect(s.buildMs).toBe(2000);
    s.started("a");
    clock.t += 100_000;
    s.ended("a", false);
    expect(s.buildMs).toBe(2000);
    s.started("b");
    clock.t += 1000;
    s.ended("b", true);
    expect(s.buildMs).toBeCloseTo(2000 + 0.3 * (1000 - 2000));
    s.started("c"); // average now 1.7 s
    expect(s.retryAfterS("x")).toBe(2); // c's end, 1.7 s
    expect(s.retryAfterS("y")).toBe(3); // + one interval: 3.4 s
    s.started("x"); // x won a permit: it left the line
    s.ended("x", true); // in 0 ms: average 1.19 s
    // Asked again, x is behind y: c's end (1.19 s) + one interval (1.19 s) = 2.38 s, not 1.19 s.
    expect(s.retryAfterS("x")).toBe(2);
    expect(s.retryAfterS("y")).toBe(3); // y keeps the moment its peers were told, though the estimate fell
  });

  test("when the line moves slower than build time ÷ cap (idle permits), hints follow the gaps seen between starts", () => {
    const { s, clock } = scheduleAt({ cap: 2 });
    learn(s, clock, 2000); // 1 s per permit at best
    s.started("a");
    s.started("b");
    expect(s.retryAfterS("x")).toBe(2); // a ends in 2 s
    expect(s.retryAfterS("y")).toBe(3); // + 1 s
    expect(s.retryAfterS("z")).toBe(4);
    // Builds start 3 s apart while x, y, z wait: the line moves one subtree per 3 s.
    for (const h of ["x", "y"]) {
      clock.t += 3000;
      s.ended(h === "x" ? "a" : "b", true);
      s.started(h);
    }
    expect(s.startGapMs).toBe(3000);
    expect(s.retryAfterS("w")).toBe(3); // z ahead: ~0 until a permit frees + 1 × 3 s, not 1 s
    expect(s.retryAfterS("v")).toBe(6);
  });

  test("the line's speed is averaged over a window of starts, so bursts do not hide idle time", () => {
    const { s, clock } = scheduleAt({ cap: 4 });
    learn(s, clock, 400);
    s.started("a");
    s.retryAfterS("x"); // x waits from here on
    const t0 = clock.t;
    for (const [dt, h] of [
      [0, "b"],
      [10, "c"],
      [20, "d"],
      [2000, "e"],
    ] as const) {
      clock.t = t0 + dt;
      s.started(h);
    }
    // Four starts over 2 s: one per 667 ms on average, though two of the three gaps were 10 ms.
    expect(s.startGapMs).toBeCloseTo(2000 / 3);
  });

  test("a subtree whose peers keep coming back at its moment into a full cap gets 2 s longer each round", () => {
    const { s, clock } = scheduleAt({ cap: 1 });
    learn(s, clock, 1000);
    const t0 = clock.t;
    s.started("a"); // and overruns: the estimate alone would say "1 s" every time
    expect(s.retryAfterS("x")).toBe(1);
    clock.t = t0 + 1000;
    expect(s.retryAfterS("x")).toBe(2); // round 1
    clock.t = t0 + 3000;
    expect(s.retryAfterS("x")).toBe(4); // round 2
    clock.t = t0 + 7000;
    expect(s.retryAfterS("x")).toBe(6); // round 3
    clock.t = t0 + 8000; // another peer of x, before the moment: not a round, the time left
    expect(s.retryAfterS("x")).toBe(5);
  });

  test("gaps while nobody waits do not count", () => {
    const { s, clock } = scheduleAt({ cap: 1 });
    learn(s, clock, 1000);
    s.started("a");
    clock.t += 60_000;
    s.ended("a", true);
    s.started("b"); // nobody was in the line: an idle minute says nothing about its speed
    expect(s.startGapMs).toBeUndefined();
  });

  test("a free permit is held for a subtree whose moment has come, ahead of later ones, until half its hint after", () => {
    const { s, clock } = scheduleAt({ cap: 1 });
    learn(s, clock, 4000);
    const t0 = clock.t;
    s.started("a");
    expect(s.retryAfterS("x")).toBe(4); // x's moment: t0 + 4 s
    expect(s.retryAfterS("y")).toBe(8);
    s.ended("a", true); // the permit frees before x's moment: nothing is held yet
    expect(s.mayStart("y", 1)).toBe(true);
    expect(s.mayStart("new", 1)).toBe(true);
    clock.t = t0 + 4000; // x's peers were told to come now: the permit waits for them
    expect(s.mayStart("y", 1)).toBe(false);
    expect(s.mayStart("new", 1)).toBe(false);
    expect(s.mayStart("x", 1)).toBe(true);
    expect(s.mayStart("y", 2)).toBe(true); // one due subtree holds one permit, not two
    clock.t = t0 + 4000 + 2000 + 250; // half of x's 4 s hint + 250 ms later: no longer held
    expect(s.mayStart("y", 1)).toBe(false);
    clock.t += 1;
    expect(s.mayStart("y", 1)).toBe(true);
    expect(s.mayStart("y", 0)).toBe(false); // no permit, nothing to take
  });

  test("with the schedule off a free permit goes to whoever asks (the reference)", () => {
    const { s, clock } = scheduleAt({ cap: 1, minS: 1, maxS: 0 });
    learn(s, clock, 4000);
    s.started("a");
    s.retryAfterS("x");
    clock.t += 1000;
    expect(s.mayStart("y", 1)).toBe(true);
  });

  test("maxS ≤ minS turns it off: always the constant", () => {
    const { s, clock } = scheduleAt({ cap: 1, minS: 2, maxS: 0 });
    learn(s, clock, 10_000);
    s.started("a");
    for (const h of ["x", "y", "z", "x"]) expect(s.retryAfterS(h)).toBe(2);
  });
});
