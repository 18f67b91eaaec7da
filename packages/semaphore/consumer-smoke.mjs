// Installed-tarball check (run by packages/testkit/src/packaging.test.ts under Node 20 and Bun).
import assert from "node:assert/strict";
import { isSemaphoreError, Semaphore, SemaphoreTimeoutError, SemaphoreWeightError } from "@subtreekit/semaphore";

assert.throws(() => new Semaphore(0), RangeError);
const sem = new Semaphore(2);
assert.equal(sem.capacity, 2);

const a = sem.tryAcquire(2);
assert.ok(a);
assert.equal(sem.tryAcquire(), undefined);
assert.equal(sem.inUse, 2);

const waiting = sem.acquire(1);
assert.equal(sem.waiting, 1);
a.release();
a.release(); // idempotent
const b = await waiting;
assert.equal(sem.inUse, 1);

// What tsc's downlevelled `using` does: look up Symbol.dispose at run time and call it.
assert.equal(typeof Symbol.dispose, "symbol");
b[Symbol.dispose]();
assert.equal(sem.inUse, 0);

const full = sem.tryAcquire(2);
const timedOut = await sem.acquire(1, { timeoutMs: 5 }).catch((e) => e);
assert.ok(timedOut instanceof SemaphoreTimeoutError && isSemaphoreError(timedOut));
const aborted = await sem.acquire(1, { signal: AbortSignal.abort("bye") }).catch((e) => e);
assert.equal(aborted, "bye");
assert.ok((await sem.acquire(3).catch((e) => e)) instanceof SemaphoreWeightError);
assert.equal(sem.waiting, 0);
full.release();
assert.equal(sem.inUse, 0);

console.log("ok");
