/**
 * Throughput of @subtreekit/semaphore against async-sema and p-limit doing the same work, printed
 * as ratios (ours ÷ theirs; > 1 means ours is faster). Not a test: numbers depend on the machine,
 * so only the ratios from one invocation are meaningful. Run: `bun run bench:semaphore`.
 *
 * Scenarios:
 * - try: uncontended non-blocking acquire + release (p-limit has no non-blocking acquire).
 * - acquire (free): sequential `await acquire()` + release with spare capacity.
 * - acquire (contended): N tasks started at once on capacity 4, each holding its permit across
 *   one await, so nearly every acquire queues and every release hands over to a waiter.
 */

import { Sema } from "async-sema";
import pLimit from "p-limit";
import { Semaphore } from "../packages/semaphore/src/index.ts";

type Impl = { name: string; run: (n: number) => Promise<void> | void };
type Scenario = { name: string; ops: number; impls: Impl[] };

const CONTENDED_CAP = 4;

const scenarios: Scenario[] = [
  {
    name: "tryAcquire+release",
    ops: 2_000_000,
    impls: [
      {
        name: "ours",
        run: (n) => {
          const sem = new Semaphore(CONTENDED_CAP);
          for (let i = 0; i < n; i++) sem.tryAcquire()!.release();
        },
      },
      {
        name: "async-sema",
        run: (n) => {
          const sema = new Sema(CONTENDED_CAP);
          for (let i = 0; i < n; i++) {
            sema.tryAcquire();
            sema.release();
          }
        },
      },
    ],
  },
  {
    name: "acquire+release (free)",
    ops: 500_000,
    impls: [
      {
        name: "ours",
        run: async (n) => {
          const sem = new Semaphore(CONTENDED_CAP);
          for (let i = 0; i < n; i++) (await sem.acquire()).release();
        },
      },
      {
        name: "async-sema",
        run: async (n) => {
          const sema = new Sema(CONTENDED_CAP);
          for (let i = 0; i < n; i++) {
            await sema.acquire();
            sema.release();
          }
        },
      },
      {
        name: "p-limit",
        run: async (n) => {
          const limit = pLimit(CONTENDED_CAP);
          const task = () => {};
          for (let i = 0; i < n; i++) await limit(task);
        },
      },
    ],
  },
  {
    name: "acquire+release (contended)",
    ops: 200_000,
    impls: [
      {
        name: "ours",
        run: async (n) => {
          const sem = new Semaphore(CONTENDED_CAP);
          const task = async () => {
            const permit = await sem.acquire();
            await null;
            permit.release();
          };
          await Promise.all(Array.from({ length: n }, task));
        },
      },
      {
        name: "async-sema",
        run: async (n) => {
          const sema = new Sema(CONTENDED_CAP);
          const task = async () => {
            await sema.acquire();
            await null;
            sema.release();
          };
          await Promise.all(Array.from({ length: n }, task));
        },
      },
      {
        name: "p-limit",
        run: async (n) => {
          const limit = pLimit(CONTENDED_CAP);
          const work = async () => {
            await null;
          };
          await Promise.all(Array.from({ length: n }, () => limit(work)));
        },
      },
    ],
  },
];

const ROUNDS = 7;

/** Full GC before each run so no implementation pays for the garbage of the one before it. */
function collect(): void {
  if (typeof Bun !== "undefined") Bun.gc(true);
  else (globalThis as { gc?: () => void }).gc?.();
}

async function timeIt(impl: Impl, n: number): Promise<number> {
  collect();
  const t0 = performance.now();
  await impl.run(n);
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`runtime: ${typeof Bun === "undefined" ? `node ${process.version}` : `bun ${Bun.version}`}`);
console.log(`rounds: ${ROUNDS} (median of each, implementations interleaved)\n`);
for (const s of scenarios) {
  const times = new Map<string, number[]>(s.impls.map((i) => [i.name, []]));
  for (const impl of s.impls) await timeIt(impl, Math.floor(s.ops / 10)); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    // Rotate the start so no implementation always runs right after a GC-heavy neighbour.
    for (let k = 0; k < s.impls.length; k++) {
      const impl = s.impls[(r + k) % s.impls.length]!;
      times.get(impl.name)!.push(await timeIt(impl, s.ops));
    }
  }
  const opsPerSec = new Map([...times].map(([name, ts]) => [name, s.ops / (median(ts) / 1000)]));
  const ours = opsPerSec.get("ours")!;
  console.log(`${s.name} (${s.ops.toLocaleString("en-US")} ops)`);
  for (const [name, ops] of opsPerSec) {
    const ratio = name === "ours" ? "" : `  ours ÷ ${name} = ${(ours / ops).toFixed(2)}`;
    console.log(`  ${name.padEnd(11)} ${Math.round(ops).toLocaleString("en-US").padStart(13)} ops/s${ratio}`);
  }
  if (!s.impls.some((i) => i.name === "p-limit")) console.log("  p-limit     n/a (has no non-blocking acquire)");
  console.log();
}
