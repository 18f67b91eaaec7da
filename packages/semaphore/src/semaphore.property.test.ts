import { expect, test } from "bun:test";
import type { Permit } from "./permit.ts";
import { Semaphore } from "./semaphore.ts";
import { SemaphoreTimeoutError } from "./timeout-error.ts";
import { SemaphoreWeightError } from "./weight-error.ts";

/** mulberry32: tiny seeded PRNG so a failure replays exactly (set SUBTREEKIT_SEMAPHORE_SEED to reproduce). */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ModelWaiter {
  id: number;
  weight: number;
  ac: AbortController | undefined;
}

/**
 * 100k random tryAcquire / acquire / release / double-release / abort operations against a
 * reference model of Go's algorithm. After every step the semaphore must agree with the model on
 * `inUse` and `waiting`, never exceed capacity, and deliver permits in the model's grant order.
 */
async function runProperty(seed: number, ops: number, capacity: number): Promise<void> {
  try {
    await checkSeed(seed, ops, capacity);
  } catch (err) {
    throw new Error(`property failed for seed ${seed} (capacity ${capacity}, ${ops} ops)`, { cause: err });
  }
}

async function checkSeed(seed: number, ops: number, capacity: number): Promise<void> {
  const rand = prng(seed);
  const pick = (n: number) => Math.floor(rand() * n);
  const sem = new Semaphore(capacity);
  let modelInUse = 0;
  const queue: ModelWaiter[] = [];
  const held: Permit[] = [];
  const released: Permit[] = [];
  const granted: number[] = [];
  const delivered: number[] = [];
  const rejected = new Map<number, unknown>();
  const expectedRejections = new Map<number, unknown>();
  let nextId = 0;

  const modelGrant = () => {
    while (queue.length > 0 && capacity - modelInUse >= queue[0]!.weight) {
      const w = queue.shift()!;
      modelInUse += w.weight;
      granted.push(w.id);
    }
  };
  const watch = (id: number, p: Promise<Permit>) =>
    p.then(
      (permit) => {
        delivered.push(id);
        held.push(permit);
      },
      (err) => rejected.set(id, err),
    );

  for (let i = 0; i < ops; i++) {
    const op = rand();
    const weight = 1 + pick(capacity + 1); // sometimes above capacity
    if (op < 0.25) {
      const permit = sem.tryAcquire(weight);
      const expectOk = queue.length === 0 && capacity - modelInUse >= weight;
      expect(permit !== undefined).toBe(expectOk);
      if (permit) {
        modelInUse += weight;
        held.push(permit);
      }
    } else if (op < 0.55) {
      const id = nextId++;
      const ac = rand() < 0.5 ? new AbortController() : undefined;
      const mode = pick(10); // 0: pre-aborted, 1: timeoutMs 0, else plain
      if (mode === 0 && ac) ac.abort(`pre-${id}`);
      watch(id, sem.acquire(weight, { signal: ac?.signal, timeoutMs: mode === 1 ? 0 : undefined }));
      if (mode === 0 && ac) expectedRejections.set(id, `pre-${id}`);
      else if (weight > capacity) expectedRejections.set(id, SemaphoreWeightError);
      else if (queue.length === 0 && capacity - modelInUse >= weight) {
        modelInUse += weight;
        granted.push(id);
      } else if (mode === 1) expectedRejections.set(id, SemaphoreTimeoutError);
      else queue.push({ id, weight, ac });
    } else if (op < 0.85) {
      if (held.length > 0) {
        const permit = held.splice(pick(held.length), 1)[0]!;
        permit.release();
        released.push(permit);
        modelInUse -= permit.weight;
        modelGrant();
      }
    } else if (op < 0.9) {
      // Double release must change nothing.
      if (released.length > 0) released[pick(released.length)]!.release();
    } else {
      const abortable = queue.filter((w) => w.ac !== undefined);
      if (abortable.length > 0) {
        const w = abortable[pick(abortable.length)]!;
        const wasHead = queue[0] === w;
        queue.splice(queue.indexOf(w), 1);
        w.ac!.abort(`abort-${w.id}`);
        expectedRejections.set(w.id, `abort-${w.id}`);
        if (wasHead) modelGrant();
      }
    }
    if (released.length > 1000) released.splice(0, 500);
    expect(sem.inUse).toBe(modelInUse);
    expect(sem.inUse).toBeLessThanOrEqual(capacity);
    expect(sem.waiting).toBe(queue.length);
    await Promise.resolve();
  }

  // Drain: abort what is abortable, then release until the queue empties.
  for (const w of queue.filter((w) => w.ac)) w.ac!.abort("drain");
  for (let guard = 0; (held.length > 0 || sem.waiting > 0) && guard < 1_000_000; guard++) {
    held.pop()?.release();
    await Promise.resolve();
  }
  await new Promise((r) => setImmediate(r));
  expect(sem.waiting).toBe(0);
  expect(sem.inUse).toBe(0);
  // Permits arrive in exactly the order the model granted them (drain grants come after).
  expect(delivered.slice(0, granted.length)).toEqual(granted);
  for (const [id, want] of expectedRejections) {
    const got = rejected.get(id);
    if (typeof want === "string") expect(got).toBe(want);
    else expect(got).toBeInstanceOf(want as typeof SemaphoreTimeoutError);
  }
}

test("100k random operations never exceed capacity, follow FIFO and end with inUse === 0", async () => {
  const seed = Number(process.env.SUBTREEKIT_SEMAPHORE_SEED ?? 0x5eed);
  await runProperty(seed, 100_000, 8);
}, 30_000);

test("small capacities with many seeds", async () => {
  for (let seed = 1; seed <= 20; seed++) await runProperty(seed, 2_000, 1 + (seed % 3));
});
