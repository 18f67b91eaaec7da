import { expect, test } from "bun:test";
import { Semaphore } from "./semaphore.ts";

test("release is idempotent: a second call never frees someone else's units", () => {
  const sem = new Semaphore(2);
  const a = sem.tryAcquire()!;
  const b = sem.tryAcquire()!;
  a.release();
  expect(a.released).toBe(true);
  expect(sem.inUse).toBe(1);
  a.release();
  a[Symbol.dispose]();
  expect(sem.inUse).toBe(1);
  expect(b.released).toBe(false);
  b.release();
  expect(sem.inUse).toBe(0);
});

test("using releases at scope exit, also on throw, and tolerates undefined", () => {
  const sem = new Semaphore(1);
  {
    using p = sem.tryAcquire();
    expect(p).toBeDefined();
    expect(sem.inUse).toBe(1);
    using none = sem.tryAcquire();
    expect(none).toBeUndefined();
  }
  expect(sem.inUse).toBe(0);
  expect(() => {
    using _p = sem.tryAcquire();
    throw new Error("boom");
  }).toThrow("boom");
  expect(sem.inUse).toBe(0);
});

test("using with an awaited acquire", async () => {
  const sem = new Semaphore(1);
  {
    using _p = await sem.acquire();
    expect(sem.inUse).toBe(1);
  }
  expect(sem.inUse).toBe(0);
});
