import { afterEach, describe, expect, jest, spyOn, test } from "bun:test";
import type { Permit } from "./permit.ts";
import { Semaphore } from "./semaphore.ts";
import { isSemaphoreError } from "./semaphore-error.ts";
import { SemaphoreTimeoutError } from "./timeout-error.ts";
import { SemaphoreWeightError } from "./weight-error.ts";

/** Lets queued promise callbacks run. */
const tick = () => new Promise<void>((r) => setImmediate(r));

/** Records the order in which acquire() promises settle. */
function track(p: Promise<Permit>, label: string, log: string[]): { permit?: Permit; error?: unknown } {
  const out: { permit?: Permit; error?: unknown } = {};
  p.then(
    (permit) => {
      out.permit = permit;
      log.push(label);
    },
    (error) => {
      out.error = error;
      log.push(`${label}!`);
    },
  );
  return out;
}

describe("constructor", () => {
  test.each([0, -1, 1.5, Number.NaN, Number.NEGATIVE_INFINITY, 2 ** 53])("rejects capacity %p", (bad) => {
    expect(() => new Semaphore(bad)).toThrow(RangeError);
    expect(() => new Semaphore(bad)).toThrow(String(bad));
  });

  test("accepts Infinity and never queues", async () => {
    const sem = new Semaphore(Number.POSITIVE_INFINITY);
    const permits = [sem.tryAcquire(1_000_000), await sem.acquire(1_000_000)];
    expect(sem.inUse).toBe(2_000_000);
    expect(sem.waiting).toBe(0);
    for (const p of permits) p?.release();
    expect(sem.inUse).toBe(0);
  });
});

describe("tryAcquire", () => {
  test("takes free units and fails when full", () => {
    const sem = new Semaphore(3);
    const a = sem.tryAcquire(2);
    expect(a?.weight).toBe(2);
    expect(sem.tryAcquire(2)).toBeUndefined();
    expect(sem.tryAcquire()).toBeDefined();
    expect(sem.inUse).toBe(3);
    expect(sem.available).toBe(0);
  });

  test("does not barge past a queued waiter even when its own weight fits", async () => {
    const sem = new Semaphore(3);
    const held = sem.tryAcquire(2)!;
    const log: string[] = [];
    const heavy = track(sem.acquire(3), "heavy", log);
    expect(sem.available).toBe(1);
    expect(sem.tryAcquire(1)).toBeUndefined();
    held.release();
    await tick();
    expect(log).toEqual(["heavy"]);
    heavy.permit?.release();
    expect(sem.tryAcquire(1)).toBeDefined();
  });

  test.each([0, -1, 0.5, Number.NaN])("throws RangeError on weight %p", (bad) => {
    expect(() => new Semaphore(2).tryAcquire(bad)).toThrow(RangeError);
  });

  test("a weight above capacity just fails, like Go's TryAcquire", () => {
    expect(new Semaphore(2).tryAcquire(3)).toBeUndefined();
  });
});

describe("acquire", () => {
  afterEach(() => jest.useRealTimers());

  test("resolves at once when free", async () => {
    const sem = new Semaphore(2);
    const p = await sem.acquire(2);
    expect(p.weight).toBe(2);
    expect(sem.inUse).toBe(2);
  });

  test("wakes waiters in FIFO order", async () => {
    const sem = new Semaphore(1);
    const first = sem.tryAcquire()!;
    const log: string[] = [];
    const waiters = ["a", "b", "c", "d"].map((l) => track(sem.acquire(), l, log));
    expect(sem.waiting).toBe(4);
    first.release();
    for (const w of waiters) {
      await tick();
      w.permit?.release();
    }
    await tick();
    expect(log).toEqual(["a", "b", "c", "d"]);
    expect(sem.inUse).toBe(0);
    expect(sem.waiting).toBe(0);
  });

  test("a heavy waiter at the head is not starved by lighter ones behind it", async () => {
    const sem = new Semaphore(4);
    const held = [sem.tryAcquire()!, sem.tryAcquire()!];
    const log: string[] = [];
    const heavy = track(sem.acquire(4), "heavy", log);
    const light = track(sem.acquire(1), "light", log);
    expect(sem.queuedWeight).toBe(5);
    // Two units are free, enough for `light`, but it must wait behind `heavy`.
    held[0]!.release();
    await tick();
    expect(log).toEqual([]);
    expect(sem.inUse).toBe(1);
    held[1]!.release();
    await tick();
    expect(log).toEqual(["heavy"]);
    heavy.permit!.release();
    await tick();
    expect(log).toEqual(["heavy", "light"]);
    light.permit!.release();
    expect(sem.inUse).toBe(0);
  });

  test("one release wakes every waiter that now fits, in order", async () => {
    const sem = new Semaphore(3);
    const held = sem.tryAcquire(3)!;
    const log: string[] = [];
    track(sem.acquire(1), "a", log);
    track(sem.acquire(2), "b", log);
    track(sem.acquire(1), "c", log);
    held.release();
    expect(sem.inUse).toBe(3);
    expect(sem.waiting).toBe(1);
    await tick();
    expect(log).toEqual(["a", "b"]);
  });

  test("a weight above capacity rejects at once without queueing", async () => {
    const sem = new Semaphore(2);
    const err = await sem.acquire(3).catch((e) => e);
    expect(err).toBeInstanceOf(SemaphoreWeightError);
    expect(err.code).toBe("WEIGHT_EXCEEDS_CAPACITY");
    expect(err.name).toBe("SemaphoreWeightError");
    expect(isSemaphoreError(err)).toBe(true);
    expect(sem.waiting).toBe(0);
  });

  test.each([0, -2, 1.5, Number.NaN])("rejects weight %p with RangeError", async (bad) => {
    expect(await new Semaphore(2).acquire(bad).catch((e) => e)).toBeInstanceOf(RangeError);
  });

  test.each([-1, Number.NaN])("rejects timeoutMs %p with RangeError", async (bad) => {
    expect(await new Semaphore(2).acquire(1, { timeoutMs: bad }).catch((e) => e)).toBeInstanceOf(RangeError);
  });
});

describe("abort and timeout", () => {
  afterEach(() => jest.useRealTimers());

  test("an already aborted signal rejects with its reason even if units are free", async () => {
    const sem = new Semaphore(1);
    const reason = new Error("gone");
    expect(await sem.acquire(1, { signal: AbortSignal.abort(reason) }).catch((e) => e)).toBe(reason);
    expect(sem.inUse).toBe(0);
  });

  test("aborting a queued waiter rejects with the reason and leaves the queue at once", async () => {
    const sem = new Semaphore(1);
    const held = sem.tryAcquire()!;
    const ac = new AbortController();
    const log: string[] = [];
    const w = track(sem.acquire(1, { signal: ac.signal }), "w", log);
    expect(sem.waiting).toBe(1);
    ac.abort("client left");
    expect(sem.waiting).toBe(0);
    expect(sem.queuedWeight).toBe(0);
    await tick();
    expect(w.error).toBe("client left");
    held.release();
    expect(sem.inUse).toBe(0);
  });

  test("a cancelled head waiter wakes the waiters behind it that now fit", async () => {
    const sem = new Semaphore(4);
    const held = sem.tryAcquire(2)!;
    const ac = new AbortController();
    const log: string[] = [];
    track(sem.acquire(4, { signal: ac.signal }), "heavy", log);
    const a = track(sem.acquire(1), "a", log);
    const b = track(sem.acquire(1), "b", log);
    ac.abort();
    expect(sem.inUse).toBe(4);
    await tick();
    expect(log).toEqual(["heavy!", "a", "b"]);
    held.release();
    a.permit!.release();
    b.permit!.release();
    expect(sem.inUse).toBe(0);
  });

  test("a cancelled middle waiter does not let later ones pass the head", async () => {
    const sem = new Semaphore(2);
    const held = sem.tryAcquire(1)!;
    const ac = new AbortController();
    const log: string[] = [];
    track(sem.acquire(2), "head", log);
    track(sem.acquire(1, { signal: ac.signal }), "mid", log);
    track(sem.acquire(1), "tail", log);
    ac.abort();
    await tick();
    expect(log).toEqual(["mid!"]);
    expect(sem.waiting).toBe(2);
    held.release();
    await tick();
    expect(log).toEqual(["mid!", "head"]);
  });

  test("timeout rejects with SemaphoreTimeoutError and removes the waiter", async () => {
    jest.useFakeTimers();
    const sem = new Semaphore(1);
    const held = sem.tryAcquire()!;
    const log: string[] = [];
    const w = track(sem.acquire(1, { timeoutMs: 1000 }), "w", log);
    jest.advanceTimersByTime(999);
    expect(sem.waiting).toBe(1);
    jest.advanceTimersByTime(1);
    expect(sem.waiting).toBe(0);
    await Promise.resolve();
    expect(w.error).toBeInstanceOf(SemaphoreTimeoutError);
    expect((w.error as SemaphoreTimeoutError).code).toBe("TIMEOUT");
    expect((w.error as SemaphoreTimeoutError).timeoutMs).toBe(1000);
    held.release();
    expect(sem.inUse).toBe(0);
  });

  test("a granted waiter's timer and abort listener are cleared", async () => {
    jest.useFakeTimers();
    const sem = new Semaphore(1);
    const held = sem.tryAcquire()!;
    const ac = new AbortController();
    const log: string[] = [];
    const w = track(sem.acquire(1, { timeoutMs: 1000, signal: ac.signal }), "w", log);
    held.release();
    jest.advanceTimersByTime(5000);
    ac.abort();
    await Promise.resolve();
    expect(log).toEqual(["w"]);
    expect(sem.inUse).toBe(1);
    w.permit!.release();
    expect(sem.inUse).toBe(0);
  });

  test("timeoutMs 0 takes free units, otherwise fails without queueing", async () => {
    const sem = new Semaphore(1);
    const p = await sem.acquire(1, { timeoutMs: 0 });
    expect(await sem.acquire(1, { timeoutMs: 0 }).catch((e) => e)).toBeInstanceOf(SemaphoreTimeoutError);
    expect(sem.waiting).toBe(0);
    p.release();
  });
});

describe("cleanup leaves nothing behind", () => {
  test("the abort listener is removed when the waiter is granted", async () => {
    const sem = new Semaphore(1);
    const held = sem.tryAcquire()!;
    const granted = new AbortController();
    const add = spyOn(granted.signal, "addEventListener");
    const remove = spyOn(granted.signal, "removeEventListener");
    const p = sem.acquire(1, { signal: granted.signal });
    expect(add).toHaveBeenCalledTimes(1);
    held.release();
    expect(remove).toHaveBeenCalledTimes(1);
    expect(remove.mock.calls[0]![1]).toBe(add.mock.calls[0]![1]);
    (await p).release();
  });

  test("10k aborted waiters leave an empty queue and the head still runs", async () => {
    const sem = new Semaphore(2);
    const held = sem.tryAcquire(2)!;
    const controllers = Array.from({ length: 10_000 }, () => new AbortController());
    const settled = controllers.map((ac) => sem.acquire(1, { signal: ac.signal }).catch((e) => e));
    const last = sem.acquire(2);
    expect(sem.waiting).toBe(10_001);
    for (const ac of controllers) ac.abort("storm");
    expect(sem.waiting).toBe(1);
    expect(sem.queuedWeight).toBe(2);
    expect(new Set(await Promise.all(settled))).toEqual(new Set(["storm"]));
    held.release();
    (await last).release();
    expect(sem.inUse).toBe(0);
  });
});
